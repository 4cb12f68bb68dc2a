import { randomUUID } from "node:crypto";
import { type AdapterCall, AdapterError } from "@yunlian/adapter-sdk";
import { withoutTrailingSlashes } from "@yunlian/adapter-sdk/http";
import type { TuyaEnvelope } from "./codes.ts";
import { TuyaCode } from "./codes.ts";
import { resolve } from "./config.ts";
import { canonicalUrl, tuyaSign } from "./sign.ts";

type Method = "GET" | "POST" | "PUT" | "DELETE";

export interface TuyaRequest {
  method: Method;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** The project access token; absent for the token endpoints, which sign without it. */
  token?: string;
}

/** One signed call; a non-success envelope becomes an AdapterError (1010 → "unauthorized"). */
export async function tuyaRequest<T>(call: AdapterCall, req: TuyaRequest): Promise<T> {
  const { config } = resolve(call.platform);
  const platId = call.platform.platId;
  const url = canonicalUrl(req.path, Object.entries(req.query ?? {}));
  const body = req.body === undefined ? "" : JSON.stringify(req.body);
  const t = String(Date.now());
  const nonce = randomUUID();
  const sign = tuyaSign({
    clientId: config.clientId,
    secret: config.clientSecret,
    accessToken: req.token,
    t,
    nonce,
    method: req.method,
    url,
    body,
  });
  const headers: Record<string, string> = {
    client_id: config.clientId,
    t,
    nonce,
    sign,
    sign_method: "HMAC-SHA256",
  };
  if (req.token !== undefined) headers.access_token = req.token;
  if (body !== "") headers["content-type"] = "application/json";

  // Through the hub's shared vendor client (its send, since Tuya's API is REST): the same
  // keep-alive pools, answer cap and connect-time address checks as every other vendor call;
  // network failures and timeouts come back as AdapterErrors already.
  const target = `${withoutTrailingSlashes(call.platform.apiBaseUrl)}${url}`;
  const res = await call.http.send(req.method, target, {
    headers,
    ...(body === "" ? {} : { body }),
    ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
    ...(call.signal ? { signal: call.signal } : {}),
  });
  const { status, text } = res;
  let answer: TuyaEnvelope<T>;
  try {
    answer = JSON.parse(text) as TuyaEnvelope<T>;
  } catch {
    throw new AdapterError("bad_response", `${platId} ${req.method} ${req.path}: HTTP ${status}, not JSON`);
  }
  if (answer.success === true) return answer.result as T;
  if (answer.code === TuyaCode.TOKEN_INVALID) {
    throw new AdapterError("unauthorized", `${platId} ${req.path}: token invalid (1010)`, "401");
  }
  if (typeof answer.code !== "number") {
    throw new AdapterError(
      "bad_response",
      `${platId} ${req.method} ${req.path}: HTTP ${status}, no success or code`,
    );
  }
  throw new AdapterError(
    "rejected",
    `${platId} ${req.method} ${req.path}: ${answer.msg ?? "refused"} (${answer.code})`,
  );
}
