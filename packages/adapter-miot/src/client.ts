import { type AdapterCall, AdapterError } from "@yunlian/adapter-sdk";
import { withoutTrailingSlashes } from "@yunlian/adapter-sdk/http";
import { describeMiotCode, MiotCode } from "./codes.ts";
import { resolve } from "./config.ts";

/** The MIoT cloud's envelope for every API call but the OAuth endpoints. */
interface Envelope {
  code?: unknown;
  message?: unknown;
  result?: unknown;
}

export function baseUrl(call: AdapterCall): string {
  return withoutTrailingSlashes(call.platform.apiBaseUrl);
}

export function parseJson(platId: string, path: string, status: number, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AdapterError("bad_response", `${platId} ${path}: HTTP ${status}, not JSON`);
  }
}

/**
 * One MIoT API call: JSON POST with the client id and the user's access token in headers. A 401 or
 * the token-invalid code becomes AdapterError("unauthorized") so `withSession` logs in again once;
 * any other non-zero envelope code is the vendor refusing the request.
 */
export async function miotPost<T>(call: AdapterCall, path: string, body: unknown, token: string): Promise<T> {
  const { config } = resolve(call.platform);
  const platId = call.platform.platId;
  const res = await call.http.postJson(`${baseUrl(call)}${path}`, body, {
    headers: { "App-Id": config.clientId, "Access-Token": token },
    signal: call.signal,
    timeoutMs: config.timeoutMs,
  });
  const answer = parseJson(platId, path, res.status, res.text) as Envelope;
  if (res.status === 401 || answer.code === MiotCode.TOKEN_INVALID) {
    throw new AdapterError("unauthorized", `${platId} ${path}: access token invalid`, "401");
  }
  if (typeof answer.code !== "number") {
    throw new AdapterError("bad_response", `${platId} ${path}: HTTP ${res.status}, no code in the answer`);
  }
  if (answer.code !== MiotCode.OK) {
    const why = typeof answer.message === "string" ? answer.message : describeMiotCode(answer.code);
    throw new AdapterError("rejected", `${platId} ${path}: ${why}`);
  }
  return answer.result as T;
}
