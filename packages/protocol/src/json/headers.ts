/**
 * The standard's common header parameters (table 9), read the liberal way of docs/design.md §3.2: names
 * case-insensitive, `PlateID` (table 9's spelling) read as `PlatID`, values trimmed. The standard's
 * printed examples also quote names and values (`”PlatID”: “000006“`, `"AuthToken ":`); real HTTP
 * header names cannot carry quotes or spaces, but a plain record (a test, a queue payload, a
 * framework that hands over raw pairs) can, so surrounding quotes and spaces are stripped.
 */

import { ProtocolError, RetCode } from "../retcode.ts";

export interface CommonHeaders {
  platId?: string;
  appId?: string;
  accessToken?: string;
  authToken?: string;
}

export type HeaderInput = Headers | Record<string, string | string[] | undefined>;

/**
 * The longest value accepted for each common header, judged on the raw value before any
 * cleaning (issue 14: nothing before authentication may cost more than the header's length,
 * and no header may be longer than a real one needs). PlatID is 1–64 characters and the
 * hub-issued AppID shorter still; tokens may be a partner's JWT.
 */
export const COMMON_HEADER_LIMITS: ReadonlyMap<keyof CommonHeaders, number> = new Map([
  ["platId", 256],
  ["appId", 256],
  ["accessToken", 4096],
  ["authToken", 4096],
]);

/** The standard's spelling of each header name, for messages. */
const SPELLING = new Map<string, string>([
  ["platid", "PlatID"],
  ["plateid", "PlateID"],
  ["appid", "AppID"],
  ["accesstoken", "AccessToken"],
  ["authtoken", "AuthToken"],
]);

export interface OverlongHeader {
  /** The standard's spelling (`AccessToken`). */
  name: string;
  limit: number;
  length: number;
}

/** The RetInfo of a header over its limit. */
export function overlongHeaderMessage(h: OverlongHeader): string {
  return `header ${h.name} is ${h.length} characters long; at most ${h.limit} are accepted`;
}

/**
 * Lower-cased, unquoted header name → field. A Map, not an object: the names come from the
 * request, and `constructor` or `__proto__` must not find Object.prototype's members.
 */
const FIELD_OF = new Map<string, keyof CommonHeaders>([
  ["platid", "platId"],
  ["plateid", "platId"],
  ["appid", "appId"],
  ["accesstoken", "accessToken"],
  ["authtoken", "authToken"],
]);

/** Straight and typographic quotes, which the standard's examples mix freely. */
function isQuote(code: number): boolean {
  return (
    code === 34 || code === 39 || (code >= 0x2018 && code <= 0x201d && code !== 0x201a && code !== 0x201b)
  );
}

/** What String.prototype.trim removes: ECMAScript's WhiteSpace and LineTerminator. */
function isBlank(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * `value` without its surrounding blanks and quotes (blanks, then quotes, then blanks again, as
 * `"AuthToken "` and ` "t" ` need). One pass from each end: linear in the length whatever the
 * input. It replaces a regular expression (`["'“”‘’]+$`) that backtracked quadratically on a long
 * run of quotes not at the end — before authentication (issue 14).
 */
export function stripQuotes(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isBlank(value.charCodeAt(start))) start++;
  while (start < end && isQuote(value.charCodeAt(start))) start++;
  while (start < end && isBlank(value.charCodeAt(start))) start++;
  while (end > start && isBlank(value.charCodeAt(end - 1))) end--;
  while (end > start && isQuote(value.charCodeAt(end - 1))) end--;
  while (end > start && isBlank(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/** A name as node:http hands it over: a lower-case token (nothing to clean), checked without a regex. */
function isPlainName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45)) return false;
  }
  return name.length > 0;
}

/** The fields found so far, and which spelling filled platId: `PlatID` wins over `PlateID` whatever the order. */
interface Collected {
  out: CommonHeaders;
  platIdFromCanonical: boolean;
}

export type CommonHeadersRead =
  | { ok: true; headers: CommonHeaders }
  | { ok: false; overlong: OverlongHeader };

/**
 * The common headers of a request in one pass over its headers, or the first one longer than
 * COMMON_HEADER_LIMITS allows (judged on the raw value, before anything is cleaned): the hub's
 * listener reads them once per request, before the body, and every route uses that reading.
 */
export function readCommonHeaders(headers: HeaderInput): CommonHeadersRead {
  const state: Collected = { out: {}, platIdFromCanonical: false };
  let overlong: OverlongHeader | undefined;
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    headers.forEach((value, name) => {
      overlong ??= take(state, name, value);
    });
  } else {
    for (const name of Object.keys(headers)) {
      overlong = take(state, name, (headers as Record<string, string | string[]>)[name]);
      if (overlong) break;
    }
  }
  return overlong ? { ok: false, overlong } : { ok: true, headers: state.out };
}

// A module-level function rather than a closure per call: this runs on every request.
function take(
  state: Collected,
  rawName: string,
  rawValue: string | string[] | undefined,
): OverlongHeader | undefined {
  if (rawValue === undefined) return undefined;
  // node:http hands names over lower-cased: most are looked up as they came.
  let name = rawName;
  let field = FIELD_OF.get(name);
  if (field === undefined) {
    if (isPlainName(rawName)) return undefined;
    name = stripQuotes(rawName).toLowerCase();
    field = FIELD_OF.get(name);
    if (field === undefined) return undefined;
  }
  const limit = COMMON_HEADER_LIMITS.get(field) ?? 0;
  const tooLong =
    typeof rawValue === "string"
      ? rawValue.length > limit && rawValue
      : rawValue.find((v) => v.length > limit);
  if (tooLong) return { name: SPELLING.get(name) ?? rawName, limit, length: tooLong.length };
  const first = typeof rawValue === "string" ? rawValue : rawValue[0];
  if (first === undefined) return undefined;
  const value = stripQuotes(first);
  if (value === "") return undefined;
  if (field === "platId") {
    const canonical = name === "platid";
    if (state.out.platId !== undefined && state.platIdFromCanonical && !canonical) return undefined;
    state.platIdFromCanonical = canonical;
  }
  state.out[field] = value;
  return undefined;
}

/**
 * The common headers of a request. Throws a ProtocolError (RetCode 400 naming the header) when
 * one is longer than COMMON_HEADER_LIMITS allows, before cleaning anything.
 */
export function normaliseHeaders(headers: HeaderInput): CommonHeaders {
  const read = readCommonHeaders(headers);
  if (!read.ok)
    throw new ProtocolError(RetCode.INVALID, overlongHeaderMessage(read.overlong), read.overlong.name);
  return read.headers;
}
