import { publicOnlyConnector } from "@yunlian/net-guard";
import { Agent, request } from "undici";

export interface HttpAttemptResult {
  /** Undefined when no HTTP answer arrived (connection error, timeout). */
  status?: number;
  retCode?: string;
  retryAfter?: string;
  error?: string;
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The delivery HTTP client. undici's Agent keeps one connection pool per origin, capped at
 * `connectionsPerOrigin`, so a slow partner's sockets never take another partner's.
 */
export class DeliveryHttp {
  readonly #agent: Agent;

  /**
   * `blockPrivateAddresses` (default: unless HUB_ALLOW_PRIVATE_URLS=1) refuses loopback, private
   * and link-local destinations on the address actually connected to, so a receiver URL whose
   * name is re-pointed at the internal network (DNS rebinding) is not delivered to.
   */
  constructor(opts: { connectionsPerOrigin: number; timeoutMs: number; blockPrivateAddresses?: boolean }) {
    const block = opts.blockPrivateAddresses ?? process.env.HUB_ALLOW_PRIVATE_URLS !== "1";
    this.#agent = new Agent({
      connections: opts.connectionsPerOrigin,
      ...(block
        ? { connect: publicOnlyConnector({ timeout: opts.timeoutMs }) }
        : { connectTimeout: opts.timeoutMs }),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  async post(url: string, headers: Record<string, string>, body: string, timeoutMs: number) {
    // One timer for the whole attempt (connect + answer + body), cleared when it ends. A plain
    // controller: AbortSignal.timeout costs several times more per call (weak timer bookkeeping).
    const abort = new AbortController();
    const { signal } = abort;
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const res = await request(url, { method: "POST", headers, body, dispatcher: this.#agent, signal });
      // A declared small length (the usual RetCode answer) is read in one go; anything else is
      // streamed and cut at the cap.
      const length = Number(res.headers["content-length"]);
      const text =
        Number.isInteger(length) && length <= MAX_BODY_BYTES
          ? await res.body.text()
          : await readCapped(res.body);
      const retryAfter = res.headers["retry-after"];
      const out: HttpAttemptResult = { status: res.statusCode };
      const retCode = retCodeOf(text);
      if (retCode !== undefined) out.retCode = retCode;
      if (typeof retryAfter === "string") out.retryAfter = retryAfter;
      return out;
    } catch (err) {
      if (signal.aborted) return { error: `timed out after ${timeoutMs} ms` };
      return { error: describeError(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      // A dataGateway answer is a tiny RetCode object; anything this big is not one.
      body.destroy();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
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
