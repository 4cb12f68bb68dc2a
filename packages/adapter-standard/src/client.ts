import { type AdapterCall, AdapterError } from "@yunlian/adapter-sdk";
import { withoutTrailingSlashes } from "@yunlian/adapter-sdk/http";
import { type ApiName, parseResponse, type ResponseOf } from "@yunlian/protocol";
import { configOf } from "./config.ts";

export interface VendorAnswer<K extends ApiName> {
  body: ResponseOf<K>;
  /** Lower-cased names. */
  headers: Record<string, string>;
}

/**
 * One A → B call of the standard: `{apiBaseUrl}/{api}` with the hub's PlatID, the AppID the vendor
 * issued to the hub, and the session's AccessToken. Anything but RetCode "200" becomes an
 * AdapterError; "401" in the body or HTTP 401 both mean the token is no longer valid (docs/design.md §4:
 * the standard defines no code for it, so both are read).
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
  if (res.status === 401)
    throw new AdapterError("unauthorized", `${platform.platId} ${api}: HTTP 401`, "401");

  const parsed = parseResponse(api, res.text);
  if (!parsed.ok) {
    throw new AdapterError(
      "bad_response",
      `${platform.platId} ${api}: HTTP ${res.status}, ${parsed.retInfo}`,
    );
  }
  const answer = parsed.body as ResponseOf<K> & { RetCode: string; RetInfo: string };
  if (answer.RetCode === "401") {
    throw new AdapterError(
      "unauthorized",
      `${platform.platId} ${api}: ${answer.RetInfo || "token rejected"}`,
      "401",
    );
  }
  if (answer.RetCode !== "200") {
    const info = answer.RetInfo || `RetCode ${answer.RetCode}`;
    throw new AdapterError("rejected", `${platform.platId} ${api}: ${info}`, answer.RetCode);
  }
  return { body: parsed.body, headers: res.headers };
}
