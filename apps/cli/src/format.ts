/**
 * Human-readable output: aligned tables and key/value blocks. Widths count CJK characters as two
 * columns, so Chinese category and platform names line up in a terminal.
 */

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
  return w;
}

function pad(s: string, width: number): string {
  return s + " ".repeat(Math.max(0, width - displayWidth(s)));
}

const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/;

/** One cell: "-" for nothing, lists comma-joined, timestamps without the T and milliseconds. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === "") return "-";
  if (typeof value === "string") {
    const m = ISO.exec(value);
    return m ? `${m[1]} ${m[2]}Z` : value.replace(/\s+/g, " ");
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "-" : value.map(cell).join(",");
  return JSON.stringify(value);
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export interface Column<Row> {
  header: string;
  get: (row: Row) => unknown;
  /** Cut longer cells to this many characters. */
  max?: number;
}

/** An aligned table with an upper-case header row; the last column is not padded. */
export function table<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((r) => columns.map((c) => truncate(cell(c.get(r)), c.max ?? 200)));
  const header = columns.map((c) => c.header.toUpperCase());
  const widths = header.map((h, i) =>
    Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i] ?? ""))),
  );
  const line = (r: string[]) =>
    r
      .map((s, i) => (i === r.length - 1 ? s : pad(s, widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...cells.map(line)].join("\n");
}

/** Key/value block: keys padded to one column; nested objects flattened to dotted keys. */
export function keyValues(entries: readonly (readonly [string, unknown])[]): string {
  const flat: [string, string][] = [];
  const add = (key: string, value: unknown) => {
    if (
      value !== null &&
      typeof value === "object" &&
      !Array.isArray(value) &&
      Object.keys(value).length > 0
    ) {
      for (const [k, v] of Object.entries(value)) add(`${key}.${k}`, v);
    } else {
      flat.push([key, cell(value)]);
    }
  };
  for (const [k, v] of entries) add(k, v);
  const width = Math.max(0, ...flat.map(([k]) => displayWidth(k)));
  return flat.map(([k, v]) => `${pad(k, width)}  ${v}`.trimEnd()).join("\n");
}

/** Every field of an object, in the order the hub sent them. */
export function fieldsOf(value: unknown, skip: readonly string[] = []): [string, unknown][] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  return Object.entries(value).filter(([k]) => !skip.includes(k));
}

/** A table of objects whose shape the CLI does not fix: one column per scalar field seen. */
export function genericTable(rows: readonly unknown[], max = 40): string {
  const records = rows.filter((r): r is Record<string, unknown> => r !== null && typeof r === "object");
  const keys: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  return table(
    records,
    keys.map((k) => ({ header: k, get: (r: Record<string, unknown>) => r[k], max })),
  );
}
