import { describe, expect, it } from "vitest";
import { categories, categoryOf, subCategoryOf } from "./tables.ts";

// Tables 2–8 of the standard, code for code: removing or adding one fails here.
const expected: Record<string, string[]> = {
  "01": ["001", "002", "003", "004", "005", "006", "007", "099"],
  "02": ["001", "002", "003", "004", "005", "099"],
  "03": ["001", "002", "003", "004", "005", "006", "007", "008", "009", "099"],
  "04": ["001", "002", "003", "004", "005", "006", "007", "008", "009", "010", "099"],
  "05": ["001", "002", "003", "004", "005", "099"],
  "06": ["001", "002", "099"],
  "99": ["099"],
};

describe("category tables", () => {
  it("hold every code of tables 2–8, including the 99/099 'other' codes", () => {
    expect(Object.fromEntries(categories.map((c) => [c.code, c.subCategories.map((s) => s.code)]))).toEqual(
      expected,
    );
  });

  it("have a Chinese and an English name for every code", () => {
    for (const c of categories) {
      expect(c.zh && c.en, c.code).toBeTruthy();
      for (const s of c.subCategories) expect(s.zh && s.en, `${c.code}/${s.code}`).toBeTruthy();
    }
    expect(categoryOf("02")?.zh).toBe("洗涤类");
    expect(subCategoryOf("04", "009")?.zh).toBe("洗碗机");
    expect(subCategoryOf("01", "099")?.zh).toBe("其他");
  });

  it("treat table 8's blank rows 003–005 as reserved, not assigned", () => {
    for (const code of ["003", "004", "005"]) expect(subCategoryOf("06", code)).toBeUndefined();
    expect(subCategoryOf("06", "099")?.en).toBe("other");
  });
});
