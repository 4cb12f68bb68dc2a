import type { CommandDef, GroupDef } from "../command.ts";
import { fieldsOf, genericTable, keyValues } from "../format.ts";
import { type Output, printJson, println } from "../io.ts";
import { seg } from "./shared.ts";

function section(out: Output, title: string, value: unknown): void {
  println(out);
  println(out, `${title}:`);
  if (Array.isArray(value)) {
    println(out, value.length === 0 ? "  (none)" : indent(genericTable(value)));
  } else if (value === null || value === undefined) {
    println(out, "  (none)");
  } else if (typeof value === "object") {
    const fields = fieldsOf(value);
    println(out, fields.length === 0 ? "  (none)" : indent(keyValues(fields)));
  } else {
    println(out, `  ${String(value)}`);
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}

const show: CommandDef = {
  name: "show",
  summary: "Show a device: its decoded ID, owning vendor, shadow, latest reports and subscribers",
  usage: "<udid>",
  args: { min: 1, max: 1 },
  options: {},
  async run(ctx) {
    const udid = ctx.args[0] ?? "";
    const answer = await ctx.hub().call("GET", `/admin/v1/devices/${seg(udid)}`);
    if (ctx.json) return printJson(ctx.io.stdout, answer.body);
    const known = ["decoded", "owner", "shadow", "reports", "subscribers"];
    const body: Record<string, unknown> = Object.fromEntries(fieldsOf(answer.body));
    println(ctx.io.stdout, keyValues(fieldsOf(answer.body, known)));
    for (const key of known) section(ctx.io.stdout, key, body[key]);
  },
};

const drift: CommandDef = {
  name: "drift",
  summary: "What reconciliation found: drift per vendor, and bindings a vendor no longer lists",
  usage: "",
  args: { min: 0, max: 0 },
  options: {},
  async run(ctx) {
    const answer = await ctx.hub().call("GET", "/admin/v1/drift");
    if (ctx.json) return printJson(ctx.io.stdout, answer.body);
    const body: Record<string, unknown> = Object.fromEntries(fieldsOf(answer.body));
    section(ctx.io.stdout, "vendors", body.vendors);
    section(ctx.io.stdout, "bindings the vendor no longer lists", body.bindings);
  },
};

export const devicesGroup: GroupDef = {
  name: "devices",
  summary: "show what the hub knows about a device, and what reconciliation found",
  commands: [show, drift],
};
