import { z } from "zod";
import type { CommandDef, GroupDef } from "../command.ts";
import { InvalidDataError } from "../errors.ts";
import { keyValues } from "../format.ts";
import { printJson, println } from "../io.ts";
import { shape } from "./shared.ts";

const rewrapped = z.looseObject({
  keyId: z.string(),
  rewrapped: z.record(z.string(), z.number()),
  failed: z.array(z.looseObject({ place: z.string(), reason: z.string() })).default([]),
});

const rewrap: CommandDef = {
  name: "rewrap",
  summary: "Re-encrypt every stored secret with the hub's current HUB_SECRET_KEY",
  details: [
    "Run after rotating HUB_SECRET_KEY (the old key in HUB_SECRET_KEY_PREVIOUS) and before removing the old key.",
    "The hub does the work (POST /admin/v1/secrets/rewrap): it holds the keys; hubctl never sees a secret.",
  ].join("\n"),
  args: { min: 0, max: 0 },
  options: {},
  examples: ["hubctl secrets rewrap"],
  async run(ctx) {
    const answer = await ctx.hub().call("POST", "/admin/v1/secrets/rewrap");
    const r = shape(rewrapped, answer.body, "secrets rewrap");
    if (ctx.json) printJson(ctx.io.stdout, answer.body);
    else println(ctx.io.stdout, keyValues([["current key id", r.keyId], ...Object.entries(r.rewrapped)]));
    if (r.failed.length > 0) {
      for (const f of r.failed) println(ctx.io.stderr, `hubctl: ${f.place}: ${f.reason}`);
      throw new InvalidDataError(
        `${r.failed.length} value(s) did not decrypt and were left as they were: keep HUB_SECRET_KEY_PREVIOUS`,
      );
    }
  },
};

export const secretsGroup: GroupDef = {
  name: "secrets",
  summary: "re-encrypt stored secrets after a HUB_SECRET_KEY rotation",
  commands: [rewrap],
};
