import { z } from "zod";
import type { CommandDef, GroupDef } from "../command.ts";
import { UsageError } from "../errors.ts";
import { keyValues, table } from "../format.ts";
import { printJson, println } from "../io.ts";
import { oneOf, seg, shape } from "./shared.ts";

const SCOPES = ["read", "admin"] as const;

const key = z.looseObject({
  id: z.string(),
  name: z.string(),
  scope: z.string(),
  createdBy: z.string().nullish(),
  createdAt: z.string().nullish(),
  revokedAt: z.string().nullish(),
});
const created = key.extend({ secret: z.string() });
const keyList = z.looseObject({ keys: z.array(key) });

const create: CommandDef = {
  name: "create",
  summary: "Create a named operator key (read: GET-only admin API and /metrics; admin: everything)",
  details: "Prints the key once: the hub keeps only its SHA-256. Use it as HUB_ADMIN_TOKEN / --token.",
  args: { min: 0, max: 0 },
  options: {
    name: { type: "string", value: "<name>", description: "what the audit log calls the key (e.g. grafana)" },
    scope: { type: "string", value: "<scope>", description: `${SCOPES.join(" | ")} (default read)` },
  },
  examples: ["hubctl keys create --name grafana --scope read", "hubctl keys create --name ci --scope admin"],
  async run(ctx) {
    const where = "keys create";
    const name = ctx.flags.string("name");
    if (name === undefined) throw new UsageError("--name is required", where);
    const scope = oneOf(ctx.flags.string("scope"), SCOPES, "scope", where) ?? "read";
    const answer = await ctx.hub().call("POST", "/admin/v1/operator-keys", { body: { name, scope } });
    if (ctx.json) return printJson(ctx.io.stdout, answer.body);
    const k = shape(created, answer.body, where);
    println(
      ctx.io.stdout,
      keyValues([
        ["name", k.name],
        ["scope", k.scope],
        ["id", k.id],
        ["key", k.secret],
      ]),
    );
    println(ctx.io.stderr, "hubctl: store the key now: the hub shows it only this once.");
  },
};

const list: CommandDef = {
  name: "list",
  summary: "List operator keys (never their secrets), revoked ones last",
  args: { min: 0, max: 0 },
  options: {},
  async run(ctx) {
    const answer = await ctx.hub().call("GET", "/admin/v1/operator-keys");
    if (ctx.json) return printJson(ctx.io.stdout, answer.body);
    const { keys } = shape(keyList, answer.body, "keys list");
    if (keys.length === 0) return println(ctx.io.stdout, "No operator keys (only HUB_ADMIN_TOKEN).");
    println(
      ctx.io.stdout,
      table(keys, [
        { header: "name", get: (k) => k.name },
        { header: "scope", get: (k) => k.scope },
        { header: "id", get: (k) => k.id },
        { header: "created", get: (k) => k.createdAt },
        { header: "by", get: (k) => k.createdBy },
        { header: "revoked", get: (k) => k.revokedAt },
      ]),
    );
  },
};

const revoke: CommandDef = {
  name: "revoke",
  summary: "Revoke an operator key: it stops working at once, and its console sessions end",
  usage: "<name|id>",
  args: { min: 1, max: 1 },
  options: {},
  examples: ["hubctl keys revoke grafana"],
  async run(ctx) {
    const target = ctx.args[0] ?? "";
    const answer = await ctx.hub().call("DELETE", `/admin/v1/operator-keys/${seg(target)}`);
    if (ctx.json) return printJson(ctx.io.stdout, answer.body);
    println(ctx.io.stdout, `Revoked operator key ${shape(key, answer.body, "keys revoke").name}.`);
  },
};

export const keysGroup: GroupDef = {
  name: "keys",
  summary: "create, list and revoke named operator keys",
  commands: [create, list, revoke],
};
