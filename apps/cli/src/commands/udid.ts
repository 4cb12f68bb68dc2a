import {
  type CodeName,
  categories,
  formatUDeviceId,
  PREFIX_LENGTH,
  ProtocolError,
  parseUDeviceId,
} from "@yunlian/protocol";
import type { CommandDef, GroupDef } from "../command.ts";
import { InvalidDataError, UsageError } from "../errors.ts";
import { keyValues, table } from "../format.ts";
import { printJson, println } from "../io.ts";

const named = (c: CodeName) => `${c.code} ${c.zh} ${c.en}`;

const decode: CommandDef = {
  name: "decode",
  summary: "Split a UDeviceID into its parts with the category names (offline)",
  usage: "<udid>",
  args: { min: 1, max: 1 },
  options: {},
  examples: ["hubctl udid decode 000006010200200C89346112DD5"],
  async run(ctx) {
    const id = ctx.args[0] ?? "";
    const parsed = parseUDeviceId(id);
    if (!parsed.ok) {
      throw new InvalidDataError(
        `invalid UDeviceID ${JSON.stringify(id)}: ${parsed.error.part}: ${parsed.error.reason}`,
      );
    }
    const v = parsed.value;
    if (ctx.json)
      return printJson(ctx.io.stdout, { udeviceId: id, routingPrefix: id.slice(0, PREFIX_LENGTH), ...v });
    println(
      ctx.io.stdout,
      keyValues([
        ["UDeviceID", id],
        ["manufacturer", v.manufacturerCode],
        ["appliance class", named(v.applianceClass)],
        ["category", named(v.category)],
        ["sub-category", named(v.subCategory)],
        ["vendor part", v.vendorPart],
        ["routing prefix", id.slice(0, PREFIX_LENGTH)],
      ]),
    );
  },
};

/** A category given by code ("02") or by English name ("laundry"). */
function categoryCode(text: string): string {
  if (/^\d+$/.test(text)) return text;
  return categories.find((c) => c.en.toLowerCase() === text.toLowerCase())?.code ?? text;
}

function subCategoryCode(category: string, text: string): string {
  if (/^\d+$/.test(text)) return text;
  const subs = categories.find((c) => c.code === category)?.subCategories ?? [];
  return subs.find((s) => s.en.toLowerCase() === text.toLowerCase())?.code ?? text;
}

const encode: CommandDef = {
  name: "encode",
  summary: "Build a UDeviceID from its parts (offline)",
  details: "Category and sub-category take a code or the English name ('hubctl udid categories' lists them).",
  args: { min: 0, max: 0 },
  options: {
    manufacturer: { type: "string", value: "<MMMMMM>", description: "manufacturer code, 6 digits" },
    category: {
      type: "string",
      value: "<BB|name>",
      description: "category code (2 digits) or name, e.g. 02 or laundry",
    },
    "sub-category": {
      type: "string",
      value: "<CCC|name>",
      description: "sub-category code (3 digits) or name",
    },
    "vendor-part": { type: "string", value: "<part>", description: "vendor part: 1–64 of 0-9 A-Z a-z _ = -" },
  },
  examples: [
    "hubctl udid encode --manufacturer 000006 --category 02 --sub-category 002 --vendor-part 00C89346112DD5",
  ],
  async run(ctx) {
    const where = "udid encode";
    const get = (flag: string) => {
      const v = ctx.flags.string(flag);
      if (v === undefined) throw new UsageError(`--${flag} is required`, where);
      return v;
    };
    const manufacturerCode = get("manufacturer");
    const category = categoryCode(get("category"));
    const subCategory = subCategoryCode(category, get("sub-category"));
    const vendorPart = get("vendor-part");
    let id: string;
    try {
      id = formatUDeviceId({ manufacturerCode, category, subCategory, vendorPart });
    } catch (err) {
      if (err instanceof ProtocolError) throw new InvalidDataError(`cannot encode: ${err.message}`);
      throw err;
    }
    if (ctx.json) return printJson(ctx.io.stdout, { udeviceId: id });
    println(ctx.io.stdout, id);
  },
};

const list: CommandDef = {
  name: "categories",
  summary: "List the standard's categories and sub-categories (tables 2–8)",
  args: { min: 0, max: 0 },
  options: {},
  async run(ctx) {
    if (ctx.json) return printJson(ctx.io.stdout, categories);
    const rows = categories.flatMap((c) => c.subCategories.map((s) => ({ c, s })));
    println(
      ctx.io.stdout,
      table(rows, [
        { header: "category", get: (r) => r.c.code },
        { header: "name", get: (r) => `${r.c.zh} ${r.c.en}` },
        { header: "sub", get: (r) => r.s.code },
        { header: "sub-category", get: (r) => `${r.s.zh} ${r.s.en}` },
      ]),
    );
  },
};

export const udidGroup: GroupDef = {
  name: "udid",
  summary: "decode and encode UDeviceIDs (offline, no hub needed)",
  commands: [decode, encode, list],
};
