import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseJsonByHand, parseLenientJson } from "./lenient-json.ts";

const hasPaddedKey = (v: unknown): boolean =>
  typeof v === "object" && v !== null
    ? Array.isArray(v)
      ? v.some(hasPaddedKey)
      : Object.entries(v).some(([k, x]) => k !== k.trim() || hasPaddedKey(x))
    : false;

const ok = (text: string) => {
  const r = parseLenientJson(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const err = (text: string, options?: Parameters<typeof parseLenientJson>[1]) => {
  const r = parseLenientJson(text, options);
  if (r.ok) throw new Error(`expected an error for ${text}`);
  return r.error;
};

describe("parseLenientJson: JSON", () => {
  it("agrees with JSON.parse on any JSON value without big integers or padded keys", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        // Padded keys and big integers are the documented differences: skip those cases.
        if (hasPaddedKey(v) || /\d{16,}/.test(text)) return;
        expect(parseLenientJson(text)).toEqual({ ok: true, value: JSON.parse(text) });
      }),
    );
  });

  it("reads escapes, exponents, negatives, nesting", () => {
    expect(
      ok(
        '{"a":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00","b":[-0.5e+2,1E3,0,-0],"c":{"d":[true,false,null]}}',
      ),
    ).toEqual({
      a: '"\\/\b\f\n\r\té😀',
      b: [-50, 1000, 0, -0],
      c: { d: [true, false, null] },
    });
  });

  it("reads an empty or blank body as {}, and skips a byte-order mark", () => {
    expect(ok("")).toEqual({});
    expect(ok(" \r\n\t")).toEqual({});
    expect(ok('\ufeff{"a":1}')).toEqual({ a: 1 });
  });
});

describe("parseLenientJson: JSON.parse where it gives the same result", () => {
  // Text that JSON.parse reads, but differently from the standard's reading: padded keys, big
  // integers (as literals, signed, with exponents), duplicates, deep nesting, and text it refuses.
  const awkward = fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.constantFrom(
      '{" a ":1,"a":2}',
      '{"\u3000k":1}',
      '{"k\u00a0":{"x":1}}',
      '{"UserID":100013954770780042}',
      "[-9007199254740993, 9007199254740991, 1e400, 1.5e16, 90071992547409930]",
      '{"a":1,"a":2}',
      '{"__proto__":{"x":1}}',
      `${"[".repeat(70)}${"]".repeat(70)}`,
      "",
      " ",
      '\ufeff{"a":1}',
      "{'a':1}",
      '{"a":1,}',
      "[1 2]",
      "// c\n{}",
    ),
    fc.string(),
  );

  it("returns exactly what the hand-written parser returns, value or error", () => {
    fc.assert(
      fc.property(awkward, fc.integer({ min: 1, max: 80 }), (text, maxDepth) => {
        expect(parseLenientJson(text, { maxDepth })).toEqual(parseJsonByHand(text, { maxDepth }));
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps the member limit exact when duplicate keys would shrink JSON.parse's object", () => {
    const members = Array.from({ length: 6 }, () => '"a":1').join(",");
    expect(parseLenientJson(`{${members}}`, { maxObjectKeys: 5 }).ok).toBe(false);
    expect(parseLenientJson(`[${"0,".repeat(5)}0]`, { maxArrayLength: 5 }).ok).toBe(false);
  });
});

describe("parseLenientJson: the documented leniency", () => {
  it("trims keys at every depth", () => {
    expect(ok('{" a ":{"b\\t":[{"  c":1}]}}')).toEqual({ a: { b: [{ c: 1 }] } });
  });

  it("keeps integers beyond 2^53-1 as exact digit strings, and safe ones as numbers", () => {
    expect(ok('{"UserID": 100013954770780042}')).toEqual({ UserID: "100013954770780042" });
    expect(
      ok("[9007199254740991, 9007199254740992, -9007199254740993, 123456789012345678901234567890]"),
    ).toEqual([9007199254740991, "9007199254740992", "-9007199254740993", "123456789012345678901234567890"]);
    // Non-integers stay numbers: the rule is about identifiers, which are integers.
    expect(ok("[1.0000000000000000001, 1e30]")).toEqual([1, 1e30]);
  });

  it('makes "__proto__" an own property, never the prototype', () => {
    const v = ok('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.hasOwn(v, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("parseLenientJson: errors", () => {
  it.each([
    ['{"a":1,}', "'}'", 1, 8],
    ["[1,]", "']'", 1, 4],
    ["{'a':1}", "'''", 1, 2],
    ['{"a":1} x', "'x'", 1, 9],
    ['{"a" 1}', "'1'", 1, 6],
    ["{\n  “a”: 1\n}", "'“'", 2, 3],
    ['{"a":1 // note\n}', "'/'", 1, 8],
    ['{"a":1\n"b":2}', "'\"'", 2, 1],
    ["[01]", "'1'", 1, 3],
    ["[1.]", "']'", 1, 4],
    ["[-]", "']'", 1, 3],
    ["[tru]", "'t'", 1, 2],
    ["[NaN]", "'N'", 1, 2],
    ['"\\x"', "Invalid escape", 1, 2],
    ['"\\u12G4"', "Invalid \\u escape", 1, 2],
    ['"a\nb"', "Unescaped control character", 1, 3],
  ])("%j → %s at %i:%i", (text, what, line, column) => {
    const e = err(text);
    expect(e.message).toContain(what);
    expect([e.line, e.column]).toEqual([line, column]);
    expect(e.message).toContain(`at line ${line}, column ${column} (position ${e.position})`);
  });

  it("reports the end of input", () => {
    for (const t of ['{"a":1', '{"a":', "[", '"abc', '{"a"', "-"]) {
      expect(err(t).message, t).toContain("Unexpected end of input");
    }
  });

  it("counts lines across CRLF", () => {
    const e = err('{\r\n"a":1,\r\n?}');
    expect([e.line, e.column]).toEqual([3, 1]);
  });

  it("shows invisible characters escaped", () => {
    expect(err("{\u0001}").message).toContain("'\\u0001'");
  });

  it("limits nesting depth (default 64)", () => {
    expect(parseLenientJson("[".repeat(64) + "]".repeat(64)).ok).toBe(true);
    expect(err("[".repeat(65) + "]".repeat(65)).message).toContain("Nesting deeper than 64 levels");
    expect(err('{"a":{"b":{}}}', { maxDepth: 2 }).message).toContain("Nesting deeper than 2 levels");
  });

  it("never overflows the stack on hostile nesting", () => {
    expect(err("[".repeat(1_000_000)).message).toContain("Nesting deeper than 64");
  });

  it("limits array length (default 10,000) and object members", () => {
    const arr = (n: number) => `[${Array.from({ length: n }, () => "0").join(",")}]`;
    expect(parseLenientJson(arr(10_000)).ok).toBe(true);
    expect(err(arr(10_001)).message).toContain("Array longer than 10000 elements");
    expect(err("[1,2,3]", { maxArrayLength: 2 }).message).toContain("Array longer than 2");
    expect(err('{"a":1,"b":2}', { maxObjectKeys: 1 }).message).toContain("more than 1 members");
  });

  it("never throws, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const r = parseLenientJson(s);
        if (!r.ok) {
          expect(r.error.position).toBeGreaterThanOrEqual(0);
          expect(r.error.line).toBeGreaterThanOrEqual(1);
        }
      }),
    );
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.string({ maxLength: 2 }), (json, at, junk) => {
        const i = at % (json.length + 1);
        parseLenientJson(json.slice(0, i) + junk + json.slice(i));
      }),
    );
  });
});
