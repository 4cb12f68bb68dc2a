/**
 * The standard's common header parameters (table 9), read the liberal way of docs/design.md §3.2: names
 * case-insensitive, `PlateID` (table 9's spelling) read as `PlatID`, values trimmed. The standard's
 * printed examples also quote names and values (`”PlatID”: “000006“`, `"AuthToken ":`); real HTTP
 * header names cannot carry quotes or spaces, but a plain record (a test, a queue payload, a
 * framework that hands over raw pairs) can, so surrounding quotes and spaces are stripped.
 */

export interface CommonHeaders {
  platId?: string;
  appId?: string;
  accessToken?: string;
  authToken?: string;
}

export type HeaderInput = Headers | Record<string, string | string[] | undefined>;

/** Lower-cased, unquoted header name → field. */
const FIELD_OF: Record<string, keyof CommonHeaders | undefined> = {
  platid: "platId",
  plateid: "platId",
  appid: "appId",
  accesstoken: "accessToken",
  authtoken: "authToken",
};

// Straight and typographic quotes, which the standard's examples mix freely.
const QUOTES = /^["'“”‘’]+|["'“”‘’]+$/g;

// What node:http hands over for almost every header: a lower-case token, nothing to clean.
const PLAIN_NAME = /^[a-z0-9-]+$/;

function cleanName(name: string): string {
  if (PLAIN_NAME.test(name)) return name;
  return name.trim().replace(QUOTES, "").trim().toLowerCase();
}

/** Neither blank nor a quote: a value starting and ending with such a character is already clean. */
function isPlainEnd(code: number): boolean {
  return code > 32 && code !== 34 && code !== 39 && (code < 0x2018 || code > 0x201d);
}

function cleanValue(value: string): string {
  if (isPlainEnd(value.charCodeAt(0)) && isPlainEnd(value.charCodeAt(value.length - 1))) return value;
  return value.trim().replace(QUOTES, "").trim();
}

/** The fields found so far, and which spelling filled platId: `PlatID` wins over `PlateID` whatever the order. */
interface Collected {
  out: CommonHeaders;
  platIdFromCanonical: boolean;
}

// A module-level function rather than a closure per call: this runs on every request.
function take(state: Collected, rawName: string, rawValue: string | string[] | undefined): void {
  const name = cleanName(rawName);
  const field = FIELD_OF[name];
  if (field === undefined || rawValue === undefined) return;
  const first = Array.isArray(rawValue) ? rawValue[0] : rawValue;
  if (first === undefined) return;
  const value = cleanValue(first);
  if (value === "") return;
  if (field === "platId") {
    const canonical = name === "platid";
    if (state.out.platId !== undefined && state.platIdFromCanonical && !canonical) return;
    state.platIdFromCanonical = canonical;
  }
  state.out[field] = value;
}

export function normaliseHeaders(headers: HeaderInput): CommonHeaders {
  const state: Collected = { out: {}, platIdFromCanonical: false };
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    headers.forEach((value, name) => {
      take(state, name, value);
    });
  } else {
    for (const name of Object.keys(headers))
      take(state, name, (headers as Record<string, string | string[]>)[name]);
  }
  return state.out;
}
