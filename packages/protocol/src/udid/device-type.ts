/**
 * `deviceType` (DeviceInfo): BBCCC followed by the D digits (docs/design.md §3.1; the op example's
 * "02002001" is laundry / drum washer / D "001"). The standard types the field as a free String and
 * its own list example filters by "010101", whose CCC ("010") is no refrigeration sub-category; such
 * values stay valid but opaque: callers may match them as strings, never route or classify by them.
 */
import { ProtocolError, RetCode } from "../retcode.ts";
import { type CodeName, categoryOf, subCategoryOf } from "./tables.ts";

export type DeviceTypeParts =
  | { kind: "structured"; value: string; category: CodeName; subCategory: CodeName; finerClass: string }
  | { kind: "opaque"; value: string; reason: string };

const MAX_FINER_CLASS = 32;

function allDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Classifies a deviceType; never fails, because any string is a legal deviceType. */
export function parseDeviceType(s: string): DeviceTypeParts {
  const opaque = (reason: string): DeviceTypeParts => ({ kind: "opaque", value: s, reason });
  if (!allDigits(s)) return opaque("not all digits: an opaque, vendor-defined device type");
  if (s.length < 6) return opaque(`${s.length} digits: shorter than BBCCC plus a D part`);
  if (s.length > 5 + MAX_FINER_CLASS) return opaque(`D part longer than ${MAX_FINER_CLASS} digits`);
  const category = categoryOf(s.slice(0, 2));
  if (category === undefined)
    return opaque(`"${s.slice(0, 2)}" is not a category of table 2 (legacy filter value)`);
  const subCategory = subCategoryOf(category.code, s.slice(2, 5));
  if (subCategory === undefined) {
    return opaque(
      `"${s.slice(2, 5)}" is not a sub-category of category ${category.code} (legacy filter value)`,
    );
  }
  return { kind: "structured", value: s, category, subCategory, finerClass: s.slice(5) };
}

/** BBCCC + D from codes; throws ProtocolError("400") when a code is unknown or D is not digits. */
export function formatDeviceType(p: { category: string; subCategory: string; finerClass: string }): string {
  if (!allDigits(p.finerClass) || p.finerClass.length > MAX_FINER_CLASS) {
    throw new ProtocolError(
      RetCode.INVALID,
      `finerClass: 1–${MAX_FINER_CLASS} digits required`,
      "finerClass",
    );
  }
  if (p.category.length !== 2 || categoryOf(p.category) === undefined) {
    throw new ProtocolError(
      RetCode.INVALID,
      `category: ${JSON.stringify(p.category)} is not in table 2`,
      "category",
    );
  }
  if (p.subCategory.length !== 3 || subCategoryOf(p.category, p.subCategory) === undefined) {
    throw new ProtocolError(
      RetCode.INVALID,
      `subCategory: ${JSON.stringify(p.subCategory)} is not a sub-category of ${p.category}`,
      "subCategory",
    );
  }
  return `${p.category}${p.subCategory}${p.finerClass}`;
}
