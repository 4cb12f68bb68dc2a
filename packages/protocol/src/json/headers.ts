/**
 * The standard's common header parameters (table 9), read the liberal way of DESIGN §3.2: names
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

function cleanName(name: string): string {
  return name.trim().replace(QUOTES, "").trim().toLowerCase();
}

function cleanValue(value: string): string {
  return value.trim().replace(QUOTES, "").trim();
}

export function normaliseHeaders(headers: HeaderInput): CommonHeaders {
  const out: CommonHeaders = {};
  // Which spelling filled platId: `PlatID` wins over `PlateID` whatever the order.
  let platIdFromCanonical = false;
  const take = (rawName: string, rawValue: string | string[] | undefined): void => {
    const name = cleanName(rawName);
    const field = FIELD_OF[name];
    if (field === undefined || rawValue === undefined) return;
    const first = Array.isArray(rawValue) ? rawValue[0] : rawValue;
    if (first === undefined) return;
    const value = cleanValue(first);
    if (value === "") return;
    if (field === "platId") {
      const canonical = name === "platid";
      if (out.platId !== undefined && platIdFromCanonical && !canonical) return;
      platIdFromCanonical = canonical;
    }
    out[field] = value;
  };
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    headers.forEach((value, name) => {
      take(name, value);
    });
  } else {
    for (const name of Object.keys(headers)) take(name, (headers as Record<string, string | string[]>)[name]);
  }
  return out;
}
