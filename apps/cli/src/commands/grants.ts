import { z } from "zod";
import type { CommandDef, GroupDef } from "../command.ts";
import { UsageError } from "../errors.ts";
import { keyValues, table } from "../format.ts";
import { printJson, println } from "../io.ts";
import { seg, shape } from "./shared.ts";

const grant = z.looseObject({
  deviceId: z.string(),
  grantorPlatId: z.string(),
  granteePlatId: z.string(),
  createdAt: z.string().nullish(),
});
const grantList = z.looseObject({ grants: z.array(grant) });
const revoked = z.looseObject({ grant, unboundUsers: z.number() });

const create: CommandDef = {
  name: "create",
  summary: "Let another platform's users bind a device, on behalf of the platform that holds it",
  usage: "<deviceId>",
  details:
    "Standard 7.2.1's trust rule: a device bound through one platform is refused to another platform's users unless the first grants it. --from must hold the device in its own right. Both platforms receive a DataType \"grant\" notice.",
  args: { min: 1, max: 1 },
  options: {
    from: { type: "string", value: "<platId>", description: "the granting platform (whose users bound it)" },
    to: { type: "string", value: "<platId>", description: "the platform whose users may bind it" },
  },
  examples: ["hubctl grants create 000006010200200C89346112DD5 --from APP-PLAT-0001 --to APP-PLAT-0002"],
  async run(ctx) {
    const where = "grants create";
    const grantorPlatId = ctx.flags.string("from");
    const granteePlatId = ctx.flags.string("to");
    if (grantorPlatId === undefined || granteePlatId === undefined)
      throw new UsageError("--from and --to are required", where);
    const answer = await ctx.hub().call("POST", "/admin/v1/grants", {
      body: { deviceId: ctx.args[0] ?? "", grantorPlatId, granteePlatId },
    });
    if (ctx.json) return printJson(ctx.io.stdout, answer.body);
    const g = shape(grant, answer.body, where);
    println(
      ctx.io.stdout,
      keyValues([
        ["device", g.deviceId],
        ["from", g.grantorPlatId],
        ["to", g.granteePlatId],
        ["since", g.createdAt ?? ""],
      ]),
    );
  },
};

const list: CommandDef = {
  name: "list",
  summary: "List sharing grants, oldest first",
  args: { min: 0, max: 0 },
  options: {
    platform: {
      type: "string",
      value: "<platId>",
      description: "only grants this platform made or received",
    },
    device: { type: "string", value: "<deviceId>", description: "only grants of this device" },
  },
  async run(ctx) {
    const answer = await ctx.hub().call("GET", "/admin/v1/grants", {
      query: { platId: ctx.flags.string("platform"), deviceId: ctx.flags.string("device") },
    });
    if (ctx.json) return printJson(ctx.io.stdout, answer.body);
    const { grants } = shape(grantList, answer.body, "grants list");
    if (grants.length === 0) return println(ctx.io.stdout, "No grants.");
    println(
      ctx.io.stdout,
      table(grants, [
        { header: "device", get: (g) => g.deviceId },
        { header: "from", get: (g) => g.grantorPlatId },
        { header: "to", get: (g) => g.granteePlatId },
        { header: "since", get: (g) => g.createdAt },
      ]),
    );
  },
};

const revoke: CommandDef = {
  name: "revoke",
  summary: "Revoke a grant: the grantee's users are unbound from the device and receive no more of it",
  usage: "<deviceId> <granteePlatId>",
  args: { min: 2, max: 2 },
  options: {},
  examples: ["hubctl grants revoke 000006010200200C89346112DD5 APP-PLAT-0002"],
  async run(ctx) {
    const [deviceId = "", granteePlatId = ""] = ctx.args;
    const answer = await ctx.hub().call("DELETE", `/admin/v1/grants/${seg(deviceId)}/${seg(granteePlatId)}`);
    if (ctx.json) return printJson(ctx.io.stdout, answer.body);
    const r = shape(revoked, answer.body, "grants revoke");
    println(
      ctx.io.stdout,
      `Revoked ${r.grant.granteePlatId}'s grant of ${r.grant.deviceId}; ${r.unboundUsers} user(s) unbound.`,
    );
  },
};

export const grantsGroup: GroupDef = {
  name: "grants",
  summary: "create, list and revoke sharing grants (standard 7.2.1's trust rule)",
  commands: [create, list, revoke],
};
