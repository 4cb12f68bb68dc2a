import { collectResponse, publicOnlyConnector, ResponseTooLarge, requestTarget } from "@yunlian/net-guard";
import { Agent, errors as undiciErrors } from "undici";
import { AdapterError } from "./errors.ts";

export interface PostJsonOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface VendorResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export type VendorMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface SendOptions extends PostJsonOptions {
  /** The request body as sent (already serialised); none for GET/DELETE without one. */
  body?: string;
}

/**
 * How adapters reach vendor clouds; one shared instance per hub process, so every vendor call
 * gets the same timeouts, answer cap and connect-time address checks.
 */
export interface VendorHttp {
  /** POST of a JSON body (the standard's every interface). */
  postJson(url: string, body: unknown, opts?: PostJsonOptions): Promise<VendorResponse>;
  /** Any method, for vendors whose native API is REST (Tuya: GET status, PUT rename, DELETE unbind). */
  send(method: VendorMethod, url: string, opts?: SendOptions): Promise<VendorResponse>;
}

export interface VendorHttpOptions {
  /** Per-call timeout (the hub's HUB_VENDOR_TIMEOUT_MS); a call may ask for its own. */
  timeoutMs: number;
  /** Keep-alive connections per vendor origin. */
  connections?: number;
  /**
   * Refuse to connect to loopback/private/link-local addresses, checked on the address the
   * socket actually connects to (so DNS rebinding cannot reach the caller's network). No default:
   * the hub sets it unless HUB_ALLOW_PRIVATE_URLS=1; tests and tools on loopback turn it off.
   */
  blockPrivateAddresses: boolean;
  /** Largest answer read from a vendor; a larger one is a bad answer (default 16 MiB). */
  maxAnswerBytes?: number;
}

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * undici's Agent keeps one keep-alive Pool per origin, so every vendor gets its own bounded set of
 * connections and a slow vendor cannot starve the others' sockets.
 */
export function createVendorHttp(opts: VendorHttpOptions): VendorHttp & { close(): Promise<void> } {
  const timeoutMs = opts.timeoutMs;
  const maxAnswerBytes = opts.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  const agent = new Agent({
    connections: opts.connections ?? 64,
    keepAliveTimeout: 30_000,
    pipelining: 1,
    connect: opts.blockPrivateAddresses
      ? publicOnlyConnector({ timeout: timeoutMs })
      : { timeout: timeoutMs },
  });

  async function send(
    method: VendorMethod,
    url: string,
    callOpts: SendOptions = {},
  ): Promise<VendorResponse> {
    const limit = callOpts.timeoutMs ?? timeoutMs;
    // The timeout is enforced by undici's own connect/headers/body timers rather than an
    // AbortSignal per call: creating signals costs more than the rest of the call's overhead
    // on the hub's hot path. Each phase gets `limit`; a caller's signal still aborts at once.
    try {
      const { origin, path } = requestTarget(url);
      return await collectResponse(
        agent,
        {
          origin,
          path,
          method,
          headers: callOpts.headers,
          body: callOpts.body,
          headersTimeout: limit,
          bodyTimeout: limit,
        },
        { maxBytes: maxAnswerBytes, signal: callOpts.signal },
      );
    } catch (err) {
      throw classify(err, url, limit, callOpts.signal?.aborted === true);
    }
  }

  function postJson(url: string, body: unknown, callOpts: PostJsonOptions = {}): Promise<VendorResponse> {
    // Each option named rather than `...callOpts`: spreading the options object measured ~0.4 µs
    // per call, on the path of every vendor call.
    return send("POST", url, {
      headers: { "content-type": "application/json;charset=UTF-8", ...callOpts.headers },
      body: JSON.stringify(body),
      timeoutMs: callOpts.timeoutMs,
      signal: callOpts.signal,
    });
  }

  return { postJson, send, close: () => agent.close() };
}

/** A device list of thousands of devices fits many times over; a runaway answer does not fill memory. */
const DEFAULT_MAX_ANSWER_BYTES = 16 * 1024 * 1024;

function classify(err: unknown, url: string, limit: number, aborted: boolean): AdapterError {
  if (err instanceof AdapterError) return err;
  const origin = safeOrigin(url);
  if (err instanceof ResponseTooLarge) return new AdapterError("bad_response", `${origin}: ${err.message}`);
  if (aborted) return new AdapterError("timeout", `${origin} did not answer within ${limit} ms`);
  const code = errorCode(err);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new AdapterError("timeout", `${origin} did not answer within ${limit} ms`);
  }
  if ((code !== undefined && UNREACHABLE_CODES.has(code)) || err instanceof undiciErrors.UndiciError) {
    return new AdapterError("unreachable", `${origin} unreachable (${code ?? "connection error"})`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new AdapterError("unreachable", `${origin} unreachable: ${message}`);
}

/** Node wraps DNS/connect failures (AggregateError for happy-eyeballs), so the code may sit on a cause. */
function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current !== null && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const nested = (current as { errors?: unknown[]; cause?: unknown }).errors?.[0];
    current = nested ?? (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "vendor";
  }
}

/**
 * `url` without its trailing slashes (`https://v.example/api//` → `https://v.example/api`). A
 * loop rather than `/\/+$/`, which backtracks quadratically on a long run of slashes that does
 * not end the string (the ReDoS check in apps/hub/test/redos.security.test.ts refuses it).
 */
export function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 47) end--;
  return end === url.length ? url : url.slice(0, end);
}
