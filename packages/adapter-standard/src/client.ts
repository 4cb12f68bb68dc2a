import { type AdapterCall, AdapterError } from "@yunlian/adapter-sdk";
import { withoutTrailingSlashes } from "@yunlian/adapter-sdk/http";
import { type ApiName, parseResponse, type ResponseOf } from "@yunlian/protocol";
import { configOf } from "./config.ts";
import { sessionExpired } from "./session-expired.ts";

export interface VendorAnswer<K extends ApiName> {
  body: ResponseOf<K>;
  /** Lower-cased names. */
  headers: Record<string, string>;
}

/**
 * One A → B call of the standard: `{apiBaseUrl}/{api}` with the hub's PlatID, the AppID the vendor
 * issued to the hub, and the session's AccessToken. Anything but RetCode "200" becomes an
 * AdapterError; "401" in the body, HTTP 401, and a "500" whose RetInfo names the token all mean the
 * token is no longer valid (docs/design.md §4, §7: the standard defines no code for it, so all are
 * read; see session-expired.ts), an "unauthorized" AdapterError that withSession answers with one
 * fresh login and one repeat.
 */
export async function callVendor<K extends ApiName>(
  call: AdapterCall,
  api: K,
  body: unknown,
  accessToken?: string,
): Promise<VendorAnswer<K>> {
  const { platform } = call;
  const headers: Record<string, string> = { PlatID: call.hub.platId };
  if (platform.vendorAppId) headers.AppID = platform.vendorAppId;
  if (accessToken !== undefined) headers.AccessToken = accessToken;
  if (call.requestId) headers["X-Request-ID"] = call.requestId;

  const url = `${withoutTrailingSlashes(platform.apiBaseUrl)}/${api}`;
  const res = await call.http.postJson(url, body, {
    headers,
    signal: call.signal,
    timeoutMs: configOf(platform.adapterConfig).timeoutMs,
  });
  if (res.status === 401) {
    // The vendor's own words, when its 401 carries the standard's body, make the 502 actionable.
    const said = parseResponse(api, res.text);
    const info = said.ok ? (said.body as { RetInfo?: string }).RetInfo : undefined;
    throw new AdapterError(
      "unauthorized",
      `${platform.platId} ${api}: HTTP 401${info ? `, ${info}` : ""}`,
      "401",
    );
  }

  const parsed = parseResponse(api, res.text);
  if (!parsed.ok) {
    throw new AdapterError(
      "bad_response",
      `${platform.platId} ${api}: HTTP ${res.status}, ${parsed.retInfo}`,
    );
  }
  const answer = parsed.body as ResponseOf<K> & { RetCode: string; RetInfo: string };
  // A "500" is read as "session gone" only on a call made with a session (a login has none).
  const expired =
    answer.RetCode === "401" ||
    (accessToken !== undefined && sessionExpired(res.status, answer.RetCode, answer.RetInfo ?? ""));
  if (expired) {
    throw new AdapterError(
      "unauthorized",
      `${platform.platId} ${api}: ${answer.RetInfo || "token rejected"}`,
      answer.RetCode,
    );
  }
  if (answer.RetCode !== "200") {
    const info = answer.RetInfo || `RetCode ${answer.RetCode}`;
    throw new AdapterError("rejected", `${platform.platId} ${api}: ${info}`, answer.RetCode);
  }
  return { body: parsed.body, headers: res.headers };
}
