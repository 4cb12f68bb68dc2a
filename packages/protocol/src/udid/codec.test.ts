import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtocolError } from "../retcode.ts";
import { formatUDeviceId, manufacturerCodeOf, parseUDeviceId, type UDeviceIdPart } from "./codec.ts";
import { categories } from "./tables.ts";

const VENDOR_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_=-";

const manufacturer = fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 6, maxLength: 6 });
const classified = fc
  .constantFrom(...categories)
  .chain((c) => fc.constantFrom(...c.subCategories).map((s) => ({ category: c.code, subCategory: s.code })));
const vendorPart = fc.string({ unit: fc.constantFrom(...VENDOR_CHARS), minLength: 1, maxLength: 64 });
const parts = fc.record({ manufacturerCode: manufacturer, classified, vendorPart }).map((p) => ({
  manufacturerCode: p.manufacturerCode,
  ...p.classified,
  vendorPart: p.vendorPart,
}));
const validId = parts.map((p) => `${p.manufacturerCode}01${p.category}${p.subCategory}${p.vendorPart}`);

const partOf = (id: string): UDeviceIdPart | "ok" => {
  const r = parseUDeviceId(id);
  return r.ok ? "ok" : r.error.part;
};
const replaceAt = (s: string, i: number, ch: string) => s.slice(0, i) + ch + s.slice(i + 1);

describe("UDeviceID codec", () => {
  it("parses the worked example into its parts", () => {
    expect(parseUDeviceId("00000601020020010007A88A184D")).toEqual({
      ok: true,
      value: {
        manufacturerCode: "000006",
        applianceClass: { code: "01", zh: "家电类", en: "household appliance" },
        category: { code: "02", zh: "洗涤类", en: "laundry" },
        subCategory: { code: "002", zh: "滚筒洗衣机", en: "drum washing machine" },
        vendorPart: "0010007A88A184D",
      },
    });
  });

  it("format(parse(x)) === x for every valid ID", () => {
    fc.assert(
      fc.property(validId, (id) => {
        const r = parseUDeviceId(id);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const v = r.value;
        expect(
          formatUDeviceId({
            manufacturerCode: v.manufacturerCode,
            category: v.category.code,
            subCategory: v.subCategory.code,
            vendorPart: v.vendorPart,
          }),
        ).toBe(id);
        expect(manufacturerCodeOf(id)).toBe(v.manufacturerCode);
      }),
    );
  });

  it("parse(format(p)) gives p back", () => {
    fc.assert(
      fc.property(parts, (p) => {
        const r = parseUDeviceId(formatUDeviceId(p));
        expect(
          r.ok && [
            r.value.manufacturerCode,
            r.value.category.code,
            r.value.subCategory.code,
            r.value.vendorPart,
          ],
        ).toEqual([p.manufacturerCode, p.category, p.subCategory, p.vendorPart]);
      }),
    );
  });

  it("rejects a too-short ID as length", () => {
    fc.assert(
      fc.property(validId, fc.nat(13), (id, n) => {
        expect(partOf(id.slice(0, n))).toBe("length");
      }),
    );
  });

  it("rejects a non-digit in the manufacturer code", () => {
    const nonDigit = fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !/[0-9]/.test(c));
    fc.assert(
      fc.property(validId, fc.nat(5), nonDigit, (id, i, c) => {
        expect(partOf(replaceAt(id, i, c))).toBe("manufacturer");
        expect(manufacturerCodeOf(replaceAt(id, i, c))).toBeUndefined();
      }),
    );
  });

  it("rejects an appliance class other than 01", () => {
    const cls = fc.string({ minLength: 2, maxLength: 2 }).filter((s) => s !== "01");
    fc.assert(
      fc.property(validId, cls, (id, a) => {
        expect(partOf(id.slice(0, 6) + a + id.slice(8))).toBe("applianceClass");
      }),
    );
  });

  it("rejects an unknown category", () => {
    const known = new Set(categories.map((c) => c.code));
    const cat = fc.string({ minLength: 2, maxLength: 2 }).filter((s) => !known.has(s));
    fc.assert(
      fc.property(validId, cat, (id, b) => {
        expect(partOf(id.slice(0, 8) + b + id.slice(10))).toBe("category");
      }),
    );
  });

  it("rejects an unknown sub-category", () => {
    fc.assert(
      fc.property(validId, fc.string({ minLength: 3, maxLength: 3 }), (id, c) => {
        const category = categories.find((x) => x.code === id.slice(8, 10));
        fc.pre(!category?.subCategories.some((s) => s.code === c));
        expect(partOf(id.slice(0, 10) + c + id.slice(13))).toBe("subCategory");
      }),
    );
  });

  it("rejects a forbidden character in the vendor part", () => {
    const bad = fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !VENDOR_CHARS.includes(c));
    fc.assert(
      fc.property(validId, fc.nat(), bad, (id, at, c) => {
        const i = 13 + (at % (id.length - 13));
        expect(partOf(replaceAt(id, i, c))).toBe("vendorPart");
      }),
    );
    expect(partOf("0000060102002abc def")).toBe("vendorPart");
    expect(partOf("0000060102002abcé")).toBe("vendorPart");
  });

  it("rejects a vendor part longer than 64 characters", () => {
    fc.assert(
      fc.property(validId, vendorPart, (id, more) => {
        const long = (id + more + "x".repeat(64)).slice(0, 13 + 65 + (more.length % 10));
        expect(partOf(long)).toBe("vendorPart");
      }),
    );
    expect(partOf(`0000060102002${"a".repeat(64)}`)).toBe("ok");
    expect(partOf(`0000060102002${"a".repeat(65)}`)).toBe("vendorPart");
  });

  it("says why, in words", () => {
    const r = parseUDeviceId("0000060106004X");
    expect(r).toEqual({
      ok: false,
      error: { part: "subCategory", reason: expect.stringContaining("reserved") },
    });
    const c = parseUDeviceId("0000060107001X");
    expect(!c.ok && c.error.reason).toContain('"07" at characters 9–10 is not a category of table 2');
  });

  it("format throws ProtocolError 400 naming the part", () => {
    const base = { manufacturerCode: "000006", category: "02", subCategory: "002", vendorPart: "abc" };
    const bad: [Partial<typeof base>, string][] = [
      [{ manufacturerCode: "00006" }, "manufacturer"],
      [{ manufacturerCode: "00000a" }, "manufacturer"],
      [{ category: "2" }, "category"],
      [{ category: "07" }, "category"],
      [{ subCategory: "02" }, "subCategory"],
      [{ subCategory: "011" }, "subCategory"],
      [{ vendorPart: "" }, "vendorPart"],
      [{ vendorPart: "a/b" }, "vendorPart"],
      [{ vendorPart: "a".repeat(65) }, "vendorPart"],
    ];
    for (const [change, field] of bad) {
      const call = () => formatUDeviceId({ ...base, ...change });
      expect(call, field).toThrow(ProtocolError);
      try {
        call();
      } catch (e) {
        expect((e as ProtocolError).retCode).toBe("400");
        expect((e as ProtocolError).field).toBe(field);
      }
    }
  });
});

describe("manufacturerCodeOf", () => {
  it("needs six digits and more than the 13-character prefix", () => {
    expect(manufacturerCodeOf("0000060102002X")).toBe("000006");
    expect(manufacturerCodeOf("0000060102002")).toBeUndefined();
    expect(manufacturerCodeOf("00000a0102002X")).toBeUndefined();
    expect(manufacturerCodeOf("")).toBeUndefined();
  });

  it("checks only what routing needs (full validation is parseUDeviceId's)", () => {
    expect(manufacturerCodeOf("123456zzzzzzzzzz")).toBe("123456");
  });
});
