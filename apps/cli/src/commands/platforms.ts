import { z } from "zod";
import type { CommandDef, GroupDef } from "../command.ts";
import { UsageError } from "../errors.ts";
import { cell, fieldsOf, keyValues, table } from "../format.ts";
import { type Io, printJson, println } from "../io.ts";
import { platformBody, platformFieldOptions } from "./platform-body.ts";
import { seg, shape } from "./shared.ts";

const platform = z.looseObject({
  platId: z.string(),
  name: z.string().optional(),
  manufacturerCodes: z.array(z.string()).optional(),
  adapter: z.string().optional(),
  appId: z.string().nullish(),
  security: z.looseObject({ mode: z.string().optional() }).optional(),
  sandbox: z.boolean().optional(),
  createdAt: z.string().nullish(),
});
type Platform = z.infer<typeof platform>;

const platformList = z.looseObject({ platforms: z.array(platform) });
const registered = platform.extend({ appSecret: z.string(), webhookSecret: z.string() });
const rotated = z.looseObject({
  appSecret: z.string(),
  webhookSecret: z.string(),
  previousSecretValidUntil: z.string().nullish(),
  /** A vendor's new ingestUrl (docs/design.md §7); absent for an app platform. */
  ingestUrl: z.string().optional(),
});
const promoted = z.looseObject({
  appSecret: z.string(),
  webhookSecret: z.string(),
  ingestUrl: z.string().optional(),
  certifiedAt: z.string().nullable(),
  forced: z.boolean(),
  removed: z.looseObject({
    users: z.number(),
    bindings: z.number(),
    grants: z.number(),
    devices: z.number(),
  }),
});

/** The most the previous secrets may keep working after a rotation (the hub's limit, 24 h). */
const MAX_GRACE_SECONDS = 86_400;

function codes(p: Platform): string {
  const list = p.manufacturerCodes ?? [];
  if (list.length <= 3) return cell(list);
  return `${list.slice(0, 3).join(",")} (+${list.length - 3})`;
}

function secretWarning(io: Io, platId: string): void {
  println(
    io.stderr,
    "hubctl: store the appSecret and the webhookSecret now in the platform's secret store: the hub shows them only once.",
  );
  println(
    io.stderr,
    "hubctl: the platform signs its requests with the appSecret and verifies the hub's webhooks with the webhookSecret.",
  );
  println(
    io.stderr,
    `hubctl: (a lost secret can only be replaced: hubctl platforms rotate-secret ${platId})`,
  );
}

const register: CommandDef = {
  name: "register",
  summary: "Register a platform (a vendor cloud, an app platform, or both)",
  details: [
    "Prints the hub-issued AppID, appSecret and webhookSecret. The secrets are shown only here (and at rotation).",
    "--plat-id and --name are required unless the --file body has them.",
  ].join("\n"),
  args: { min: 0, max: 0 },
  options: {
    "plat-id": {
      type: "string",
      value: "<platId>",
      description: "the platform's PlatID (1–64 of A-Z a-z 0-9 _ -)",
    },
    ...platformFieldOptions,
    sandbox: {
      type: "boolean",
      description: "register it in the sandbox: isolated from production, lower rate limit, promoted later",
    },
  },
  examples: [
    "hubctl platforms register --plat-id PARTNER-HAIER-0000 --name 'Haier U+' --code 000006 \\",
    "    --api-base-url https://vendor.example/v1 --verify-url https://vendor.example/v1/user/verify \\",
    "    --data-gateway-url https://vendor.example/v1/dataservices/dataGateway --mode hmac",
    "hubctl platforms register --file haier.json",
    "hubctl platforms register --plat-id PARTNER-ACME-0000 --name Acme --code 000042 --sandbox \\",
    "    --api-base-url https://sandbox.acme.example/v1",
  ],
  async run(ctx) {
    const where = "platforms register";
    const body = platformBody(ctx, where, false);
    const platId = ctx.flags.string("plat-id");
    if (platId !== undefined) body.platId = platId;
    if (ctx.flags.bool("sandbox")) body.sandbox = true;
    if (body.platId === undefined) throw new UsageError("--plat-id is required (or platId in --file)", where);
    if (body.name === undefined) throw new UsageError("--name is required (or name in --file)", where);

    const answer = await ctx.hub().call("POST", "/admin/v1/platforms", { body });
    if (ctx.json) {
      printJson(ctx.io.stdout, answer.body);
    } else {
      const p = shape(registered, answer.body, "platforms register");
      println(ctx.io.stdout, `Registered platform ${p.platId}.`);
      println(ctx.io.stdout, keyValues(fieldsOf(answer.body, ["appSecret", "webhookSecret"])));
      println(ctx.io.stdout);
      println(
        ctx.io.stdout,
        keyValues([
          ["appSecret", p.appSecret],
          ["webhookSecret", p.webhookSecret],
        ]),
      );
    }
    secretWarning(ctx.io, String(body.platId));
  },
};

const list: CommandDef = {
  name: "list",
  summary: "List the registered platforms",
  args: { min: 0, max: 0 },
  options: {},
  async run(ctx) {
    const answer = await ctx.hub().call("GET", "/admin/v1/platforms");
    if (ctx.json) return printJson(ctx.io.stdout, answer.body);
    const { platforms } = shape(platformList, answer.body, "platforms list");
    if (platforms.length === 0) return println(ctx.io.stdout, "No platforms registered.");
    println(
      ctx.io.stdout,
      table(platforms, [
        { header: "plat id", get: (p) => p.platId },
        { header: "name", get: (p) => p.name, max: 30 },
        { header: "codes", get: codes },
        { header: "adapter", get: (p) => p.adapter },
        { header: "security", get: (p) => p.security?.mode },
        { header: "app id", get: (p) => p.appId },
        { header: "created", get: (p) => p.createdAt },
        // Only when there is one: a hub without sandbox platforms prints what it always did.
        ...(platforms.some((p) => p.sandbox)
          ? [{ header: "sandbox", get: (p: Platform) => (p.sandbox ? "sandbox" : "") }]
          : []),
      ]),
    );
  },
};

const show: CommandDef = {
  name: "show",
  summary: "Show one platform",
  usage: "<platId>",
  args: { min: 1, max: 1 },
  options: {},
  async run(ctx) {
    const answer = await ctx.hub().call("GET", `/admin/v1/platforms/${seg(ctx.args[0] ?? "")}`);
    if (ctx.json) return printJson(ctx.io.stdout, answer.body);
    println(ctx.io.stdout, keyValues(fieldsOf(answer.body)));
  },
};

const edit: CommandDef = {
  name: "edit",
  summary: "Change fields of a platform (only the fields given; platId cannot change)",
  usage: "<platId>",
  details: "An empty value clears a URL or the AppID: --verify-url ''. --code replaces the whole list.",
  args: { min: 1, max: 1 },
  options: {
    ...platformFieldOptions,
    "clear-codes": { type: "boolean", description: "remove every manufacturer code (an app-only platform)" },
  },
  examples: [
    "hubctl platforms edit PARTNER-HAIER-0000 --data-gateway-url https://vendor.example/v1/dataGateway",
  ],
  async run(ctx) {
    const where = "platforms edit";
    const body = platformBody(ctx, where, true);
    if (Object.keys(body).length === 0)
      throw new UsageError("nothing to change: give at least one field flag or --file", where);
    const answer = await ctx.hub().call("PATCH", `/admin/v1/platforms/${seg(ctx.args[0] ?? "")}`, { body });
    if (ctx.json) return printJson(ctx.io.stdout, answer.body);
    println(ctx.io.stdout, `Updated platform ${ctx.args[0]}.`);
    println(ctx.io.stdout, keyValues(fieldsOf(answer.body)));
  },
};

const rotateSecret: CommandDef = {
  name: "rotate-secret",
  summary: "Issue a new appSecret and webhookSecret (the previous ones stay valid for a grace period)",
  usage: "<platId>",
  details: [
    "For 24 h the previous appSecret still works on the standard API (never on self-service) and the",
    "hub's webhooks carry a second signature made with the previous webhookSecret. A vendor gets a new",
    "ingestUrl too; the previous one keeps working as long as the previous appSecret.",
    "--grace-seconds 0 ends the previous secrets at once: use it when a secret leaked.",
  ].join("\n"),
  args: { min: 1, max: 1 },
  options: {
    "grace-seconds": {
      type: "string",
      value: "<seconds>",
      description: `how long the previous secrets keep working, 0 to ${MAX_GRACE_SECONDS} (default ${MAX_GRACE_SECONDS})`,
    },
  },
  examples: [
    "hubctl platforms rotate-secret PARTNER-HAIER-0000",
    "hubctl platforms rotate-secret PARTNER-HAIER-0000 --grace-seconds 0   # the secret leaked",
  ],
  async run(ctx) {
    const platId = ctx.args[0] ?? "";
    const grace = graceSeconds(ctx.flags.string("grace-seconds"));
    const answer = await ctx
      .hub()
      .call(
        "POST",
        `/admin/v1/platforms/${seg(platId)}/secret`,
        grace === undefined ? {} : { body: { graceSeconds: grace } },
      );
    if (ctx.json) {
      printJson(ctx.io.stdout, answer.body);
    } else {
      const r = shape(rotated, answer.body, "platforms rotate-secret");
      println(ctx.io.stdout, `New appSecret and webhookSecret for ${platId}.`);
      println(
        ctx.io.stdout,
        keyValues([
          ["appSecret", r.appSecret],
          ["webhookSecret", r.webhookSecret],
          ["previousSecretValidUntil", r.previousSecretValidUntil ?? "ended now"],
          ...(r.ingestUrl === undefined ? [] : [["ingestUrl", r.ingestUrl] as [string, string]]),
        ]),
      );
    }
    secretWarning(ctx.io, platId);
  },
};

function graceSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 0 && n <= MAX_GRACE_SECONDS)) {
    throw new UsageError(
      `--grace-seconds must be a whole number from 0 to ${MAX_GRACE_SECONDS}, got "${text}"`,
      "platforms rotate-secret",
    );
  }
  return n;
}

const promote: CommandDef = {
  name: "promote",
  summary: "Promote a sandbox platform to production (fresh secrets; its sandbox test data is removed)",
  usage: "<platId>",
  details: [
    "The platform must be certified; --force promotes it anyway (audited as forced). It keeps its",
    "settings (URLs, adapter, manufacturer codes, security) and gets a new appSecret and webhookSecret",
    "at once (the sandbox ones stop working). Its sandbox users, bindings, grants, device shadows,",
    "reports and deliveries were test data and are removed.",
  ].join("\n"),
  args: { min: 1, max: 1 },
  options: { force: { type: "boolean", description: "promote even if it is not certified" } },
  examples: [
    "hubctl platforms promote PARTNER-ACME-0000",
    "hubctl platforms promote PARTNER-ACME-0000 --force",
  ],
  async run(ctx) {
    const platId = ctx.args[0] ?? "";
    const force = ctx.flags.bool("force");
    const answer = await ctx
      .hub()
      .call("POST", `/admin/v1/platforms/${seg(platId)}/promote`, force ? { body: { force: true } } : {});
    if (ctx.json) {
      printJson(ctx.io.stdout, answer.body);
    } else {
      const r = shape(promoted, answer.body, "platforms promote");
      println(
        ctx.io.stdout,
        `Promoted ${platId} to production${r.forced ? " (forced: not certified)" : ""}.`,
      );
      println(
        ctx.io.stdout,
        keyValues([
          ["appSecret", r.appSecret],
          ["webhookSecret", r.webhookSecret],
          ...(r.ingestUrl === undefined ? [] : [["ingestUrl", r.ingestUrl] as [string, string]]),
          ["certifiedAt", r.certifiedAt ?? "not certified"],
          [
            "removed",
            `${r.removed.users} users, ${r.removed.bindings} bindings, ${r.removed.grants} grants, ${r.removed.devices} device shadows`,
          ],
        ]),
      );
    }
    secretWarning(ctx.io, platId);
  },
};

const remove: CommandDef = {
  name: "delete",
  summary: "Remove a platform with its users, tokens and bindings",
  usage: "<platId>",
  details: "This cannot be undone: --yes is required.",
  args: { min: 1, max: 1 },
  options: { yes: { type: "boolean", short: "y", description: "confirm the deletion" } },
  async run(ctx) {
    const platId = ctx.args[0] ?? "";
    if (!ctx.flags.bool("yes")) {
      throw new UsageError(
        `deleting ${platId} also removes its users, tokens and bindings: add --yes to confirm`,
        "platforms delete",
      );
    }
    await ctx.hub().call("DELETE", `/admin/v1/platforms/${seg(platId)}`);
    if (!ctx.json) println(ctx.io.stdout, `Deleted platform ${platId}.`);
  },
};

export const platformsGroup: GroupDef = {
  name: "platforms",
  summary: "register, list, show, edit, rotate-secret, promote, delete platforms",
  commands: [register, list, show, edit, rotateSecret, promote, remove],
};
