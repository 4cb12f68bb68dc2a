/**
 * UDeviceID codec (standard 6.4, docs/design.md §3.1).
 *
 *   MMMMMM 01 BB CCC vendor-part
 *   └ manufacturer (6 digits) · appliance class "01" · category (table 2) · sub-category
 *     (tables 3–8) · 1–64 of [0-9A-Za-z_=-], passed through unsplit (the D part's length is fixed
 *     by the vendor's device model, so only the vendor can split D from E).
 *
 * The first 13 characters are the routable prefix; the whole ID is at most 77 characters.
 */
import { ProtocolError, RetCode } from "../retcode.ts";
import {
  applianceClass,
  type CodeName,
  categoryOf,
  reservedTvSubCategories,
  subCategoryOf,
} from "./tables.ts";

export const PREFIX_LENGTH = 13;
export const MAX_VENDOR_PART = 64;
export const MAX_UDEVICEID_LENGTH = PREFIX_LENGTH + MAX_VENDOR_PART;

export interface UDeviceIdParts {
  manufacturerCode: string;
  applianceClass: CodeName;
  category: CodeName;
  subCategory: CodeName;
  vendorPart: string;
}

export type UDeviceIdPart =
  | "manufacturer"
  | "applianceClass"
  | "category"
  | "subCategory"
  | "vendorPart"
  | "length";

export type ParseUDeviceIdResult =
  | { ok: true; value: UDeviceIdParts }
  | { ok: false; error: { part: UDeviceIdPart; reason: string } };

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** [0-9A-Za-z_=-], tested by code so the check costs no regex. */
function isVendorChar(c: number): boolean {
  return (
    isDigit(c) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 95 /* _ */ ||
    c === 61 /* = */ ||
    c === 45 /* - */
  );
}

/**
 * The routing key: the 6-digit manufacturer code, or undefined. On the hot path of every call that
 * names a device, so it checks only what routing needs (length and six digits) and allocates only
 * the returned slice. Full validation is parseUDeviceId's job.
 */
export function manufacturerCodeOf(id: string): string | undefined {
  if (id.length <= PREFIX_LENGTH) return undefined;
  for (let i = 0; i < 6; i++) {
    const c = id.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return id.slice(0, 6);
}

function fail(part: UDeviceIdPart, reason: string): ParseUDeviceIdResult {
  return { ok: false, error: { part, reason } };
}

export function parseUDeviceId(id: string): ParseUDeviceIdResult {
  if (id.length <= PREFIX_LENGTH) {
    return fail(
      "length",
      `${id.length} characters; a UDeviceID is the 13-character prefix plus a vendor part of 1–${MAX_VENDOR_PART}`,
    );
  }
  for (let i = 0; i < 6; i++) {
    if (!isDigit(id.charCodeAt(i))) {
      return fail(
        "manufacturer",
        `character ${i + 1} is ${JSON.stringify(id[i])}; the manufacturer code is 6 digits`,
      );
    }
  }
  const a = id.slice(6, 8);
  if (a !== applianceClass.code) {
    return fail(
      "applianceClass",
      `${JSON.stringify(a)} at characters 7–8; the standard defines only "01" (household appliance)`,
    );
  }
  const b = id.slice(8, 10);
  const category = categoryOf(b);
  if (category === undefined) {
    return fail("category", `${JSON.stringify(b)} at characters 9–10 is not a category of table 2`);
  }
  const c = id.slice(10, 13);
  const subCategory = subCategoryOf(b, c);
  if (subCategory === undefined) {
    const reserved =
      b === "06" && reservedTvSubCategories.includes(c) ? " (blank, hence reserved, in table 8)" : "";
    return fail(
      "subCategory",
      `${JSON.stringify(c)} at characters 11–13 is not a sub-category of category ${b} (${category.en})${reserved}`,
    );
  }
  const vendorPart = id.slice(PREFIX_LENGTH);
  if (vendorPart.length > MAX_VENDOR_PART) {
    return fail("vendorPart", `${vendorPart.length} characters; at most ${MAX_VENDOR_PART}`);
  }
  for (let i = 0; i < vendorPart.length; i++) {
    if (!isVendorChar(vendorPart.charCodeAt(i))) {
      const ch = String.fromCodePoint(vendorPart.codePointAt(i) ?? 0);
      return fail(
        "vendorPart",
        `character ${PREFIX_LENGTH + i + 1} is ${JSON.stringify(ch)}; allowed are 0-9 A-Z a-z _ = -`,
      );
    }
  }
  return {
    ok: true,
    value: { manufacturerCode: id.slice(0, 6), applianceClass, category, subCategory, vendorPart },
  };
}

export interface UDeviceIdInput {
  manufacturerCode: string;
  category: string;
  subCategory: string;
  vendorPart: string;
}

/** Builds the canonical ID from codes; throws ProtocolError("400") naming the bad part. */
export function formatUDeviceId(p: UDeviceIdInput): string {
  // Each fixed-width part is checked for its width first: otherwise a 5-digit manufacturer code and
  // a 3-digit category could concatenate into something that parses.
  const widths: [UDeviceIdPart, string, number][] = [
    ["manufacturer", p.manufacturerCode, 6],
    ["category", p.category, 2],
    ["subCategory", p.subCategory, 3],
  ];
  for (const [part, value, width] of widths) {
    if (value.length !== width) {
      throw new ProtocolError(
        RetCode.INVALID,
        `${part}: ${JSON.stringify(value)} is not ${width} characters`,
        part,
      );
    }
  }
  if (p.vendorPart.length === 0) {
    throw new ProtocolError(RetCode.INVALID, "vendorPart: empty; 1–64 characters required", "vendorPart");
  }
  const id = `${p.manufacturerCode}${applianceClass.code}${p.category}${p.subCategory}${p.vendorPart}`;
  const parsed = parseUDeviceId(id);
  if (!parsed.ok) {
    throw new ProtocolError(
      RetCode.INVALID,
      `${parsed.error.part}: ${parsed.error.reason}`,
      parsed.error.part,
    );
  }
  return id;
}
