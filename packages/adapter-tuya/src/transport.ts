import { randomUUID } from "node:crypto";
import { type AdapterCall, AdapterError } from "@yunlian/adapter-sdk";
import { defaultVendorTimeoutMs } from "@yunlian/adapter-sdk/http";
import { Agent, request } from "undici";
import type { TuyaEnvelope } from "./codes.ts";
import { TuyaCode } from "./codes.ts";
import { resolve } from "./config.ts";
import { canonicalUrl, tuyaSign } from "./sign.ts";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export interface TuyaRequest {
  method: Method;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** The project access token; absent for the token endpoints, which sign without it. */
  token?: string;
}

// The SDK's VendorHttp speaks POST only, and Tuya's API is REST (GET status, PUT rename, DELETE
// unbind), so this package keeps its own keep-alive pool: one per process, one pool per origin.
const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000 });

const UNREACHABLE =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED/;

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

  const limit = config.timeoutMs ?? defaultVendorTimeoutMs();
  const timer = AbortSignal.timeout(limit);
  const signal = call.signal ? AbortSignal.any([timer, call.signal]) : timer;
  const target = `${call.platform.apiBaseUrl.replace(/\/+$/, "")}${url}`;
  let status: number;
  let text: string;
  try {
    const res = await request(target, {
      method: req.method,
      headers,
      body: body || undefined,
      dispatcher: agent,
      signal,
      headersTimeout: limit,
      bodyTimeout: limit,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    if (timer.aborted) throw new AdapterError("timeout", `${platId} did not answer within ${limit} ms`);
    const detail =
      err instanceof Error
        ? `${err.message} ${String((err as { code?: unknown }).code ?? "")} ${String(err.cause ?? "")}`
        : String(err);
    const why = UNREACHABLE.exec(detail)?.[0] ?? "connection error";
    throw new AdapterError("unreachable", `${platId} unreachable (${why})`);
  }
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
