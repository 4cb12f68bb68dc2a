import {
  collectResponse,
  DeadlineExceeded,
  publicOnlyConnector,
  ResponseTooLarge,
  requestTarget,
} from "@yunlian/net-guard";
import { Agent } from "undici";

export interface HttpAttemptResult {
  /** Undefined when no HTTP answer arrived (connection error, timeout). */
  status?: number;
  retCode?: string;
  retryAfter?: string;
  error?: string;
}

/** A dataGateway answer is a tiny RetCode object; anything this big is not one. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The delivery HTTP client. undici's Agent keeps one connection pool per origin, capped at
 * `connectionsPerOrigin`, so a slow partner's sockets never take another partner's.
 */
export class DeliveryHttp {
  readonly #agent: Agent;

  /**
   * `blockPrivateAddresses` refuses loopback, private and link-local destinations on the address
   * actually connected to, so a receiver URL whose name is re-pointed at the internal network (DNS
   * rebinding) is not delivered to. No default: the deployment says (HUB_ALLOW_PRIVATE_URLS).
   */
  constructor(opts: { connectionsPerOrigin: number; timeoutMs: number; blockPrivateAddresses: boolean }) {
    this.#agent = new Agent({
      connections: opts.connectionsPerOrigin,
      ...(opts.blockPrivateAddresses
        ? { connect: publicOnlyConnector({ timeout: opts.timeoutMs }) }
        : { connectTimeout: opts.timeoutMs }),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  /**
   * One POST, answered within `timeoutMs` in all (connect + answer + body) or failed. Through
   * undici's dispatch API: no Readable, AbortController or async iterator per attempt.
   */
  async post(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<HttpAttemptResult> {
    try {
      const { origin, path } = requestTarget(url);
      const res = await collectResponse(
        this.#agent,
        { origin, path, method: "POST", headers, body },
        { maxBytes: MAX_BODY_BYTES, deadlineMs: timeoutMs },
      );
      const out: HttpAttemptResult = { status: res.status };
      const retCode = retCodeOf(res.text);
      if (retCode !== undefined) out.retCode = retCode;
      const retryAfter = res.headers["retry-after"];
      if (retryAfter !== undefined) out.retryAfter = retryAfter;
      return out;
    } catch (err) {
      if (err instanceof DeadlineExceeded) return { error: `timed out after ${timeoutMs} ms` };
      if (err instanceof ResponseTooLarge) {
        return {
          ...(err.status ? { status: err.status } : {}),
          error: `answer larger than ${err.maxBytes} bytes`,
        };
      }
      return { error: describeError(err) };
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

/** RetCode from a response body, tolerating the standard's stray spaces in keys and numeric codes. */
export function retCodeOf(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  for (const [k, v] of Object.entries(parsed)) {
    if (k.trim() === "RetCode" && (typeof v === "string" || typeof v === "number")) return String(v).trim();
  }
  return undefined;
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return `${typeof code === "string" ? `${code} ` : ""}${err.message}${cause}`.slice(0, 500);
  }
  return String(err).slice(0, 500);
}
