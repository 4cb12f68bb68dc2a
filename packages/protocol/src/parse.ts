/**
 * The one entry point a server (or a vendor) needs per call: lenient JSON (docs/design.md §3.2) + header
 * normalisation + schema validation, returning either the canonical body or a "400" whose RetInfo
 * names the field. Never throws.
 */
import { type CommonHeaders, type HeaderInput, normaliseHeaders } from "./json/headers.ts";
import { type LenientJsonOptions, parseLenientJson } from "./json/lenient-json.ts";
import { messageOf, summariseIssues } from "./schemas/issues.ts";
import { type ApiName, apis, type RequestOf, type ResponseOf } from "./schemas/registry.ts";

export type ParseFailure = { ok: false; retCode: "400"; retInfo: string; field?: string };
export type ParseRequestResult<K extends ApiName> =
  | { ok: true; headers: CommonHeaders; body: RequestOf<K> }
  | ParseFailure;
export type ParseResponseResult<K extends ApiName> = { ok: true; body: ResponseOf<K> } | ParseFailure;

/** The calls whose AuthToken the standard's examples put in the header rather than the body. */
const AUTH_TOKEN_FROM_HEADER: ReadonlySet<ApiName> = new Set<ApiName>(["user/login", "user/verify"]);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function validate<T>(
  schema: (typeof apis)[ApiName]["request"],
  value: unknown,
): { ok: true; data: T } | ParseFailure {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data as T };
  // A per-parse message map halves zod's speed, so only a failure pays for it: parse again to get
  // the "required" wording.
  const worded = schema.safeParse(value, { error: messageOf });
  const { retInfo, field } = summariseIssues(worded.success ? result.error.issues : worded.error.issues);
  return { ok: false, retCode: "400", retInfo, field };
}

export function parseRequest<K extends ApiName>(
  api: K,
  bodyText: string,
  headers: HeaderInput,
  options?: LenientJsonOptions,
): ParseRequestResult<K> {
  return parseRequestBody(api, bodyText, normaliseHeaders(headers), options);
}

/** parseRequest for a server that has already normalised the common headers (it authenticates first). */
export function parseRequestBody<K extends ApiName>(
  api: K,
  bodyText: string,
  common: CommonHeaders,
  options?: LenientJsonOptions,
): ParseRequestResult<K> {
  const json = parseLenientJson(bodyText, options);
  if (!json.ok)
    return { ok: false, retCode: "400", retInfo: `Body is not JSON: ${json.error.message}`, field: "body" };
  let value = json.value;
  if (
    AUTH_TOKEN_FROM_HEADER.has(api) &&
    isPlainObject(value) &&
    value.AuthToken === undefined &&
    common.authToken !== undefined
  ) {
    value = { ...value, AuthToken: common.authToken };
  }
  const checked = validate<RequestOf<K>>(apis[api].request, value);
  return checked.ok ? { ok: true, headers: common, body: checked.data } : checked;
}

/** A vendor's answer, read the same lenient way; a failure means the vendor answered wrongly. */
export function parseResponse<K extends ApiName>(
  api: K,
  bodyText: string,
  options?: LenientJsonOptions,
): ParseResponseResult<K> {
  const json = parseLenientJson(bodyText, options);
  if (!json.ok)
    return { ok: false, retCode: "400", retInfo: `Body is not JSON: ${json.error.message}`, field: "body" };
  const checked = validate<ResponseOf<K>>(apis[api].response, json.value);
  return checked.ok ? { ok: true, body: checked.data } : checked;
}
