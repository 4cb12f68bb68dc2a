import { Agent, request } from "undici";
import { z } from "zod";
import { HubRefusal, NetworkError, UsageError } from "./errors.ts";

export const DEFAULT_HUB_URL = "http://127.0.0.1:8080";
const TIMEOUT_MS = 30_000;

export interface HubTarget {
  url: string;
  token: string;
}

export type Query = Record<string, string | undefined>;

export interface HubAnswer {
  status: number;
  /** The parsed JSON body; undefined when the hub sent none (204, or an empty 202). */
  body: unknown;
}

const errorBody = z.looseObject({ RetCode: z.string().optional(), RetInfo: z.string() });

/** The admin API over HTTP: bearer token in, JSON out, every failure turned into a typed error. */
export class AdminClient {
  private readonly base: URL;
  private readonly agent = new Agent({ connectTimeout: 10_000 });

  constructor(private readonly target: HubTarget) {
    try {
      this.base = new URL(target.url);
    } catch {
      throw new UsageError(`invalid hub URL ${JSON.stringify(target.url)} (HUB_URL or --url)`);
    }
    if (this.base.protocol !== "http:" && this.base.protocol !== "https:") {
      throw new UsageError(`hub URL must be http:// or https://, got ${JSON.stringify(target.url)}`);
    }
  }

  get url(): string {
    return this.target.url;
  }

  async call(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<HubAnswer> {
    const url = new URL(this.base);
    url.pathname = `${withoutTrailingSlashes(this.base.pathname)}${path}`;
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.target.token}`,
      accept: "application/json",
    };
    if (opts.body !== undefined) headers["content-type"] = "application/json";

    let status: number;
    let text: string;
    try {
      const res = await request(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        dispatcher: this.agent,
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw new NetworkError(describeNetworkError(err, this.target.url));
    }
    const body = text.trim() === "" ? undefined : parseJson(text);
    if (status >= 400) throw hubRefusal(status, body, text);
    if (body === NOT_JSON) {
      throw new HubRefusal(
        status,
        undefined,
        `the hub answered HTTP ${status} with a body that is not JSON: ${snippet(text)}`,
      );
    }
    return { status, body };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

const NOT_JSON = Symbol("not JSON");

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function hubRefusal(status: number, body: unknown, text: string): HubRefusal {
  const parsed = errorBody.safeParse(body);
  if (parsed.success) return new HubRefusal(status, parsed.data.RetCode, parsed.data.RetInfo);
  return new HubRefusal(status, undefined, text.trim() === "" ? `HTTP ${status}` : snippet(text));
}

function errorCode(err: unknown): string | undefined {
  // undici puts socket errors either on the error itself or on its cause.
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

function describeNetworkError(err: unknown, url: string): string {
  const code = errorCode(err);
  switch (code) {
    case "ECONNREFUSED":
      return `cannot connect to the hub at ${url}: connection refused (is it running? set HUB_URL or --url)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot connect to the hub at ${url}: host not found`;
    case "UND_ERR_CONNECT_TIMEOUT":
      return `cannot connect to the hub at ${url}: connection timed out`;
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return `the hub at ${url} did not answer within ${TIMEOUT_MS / 1000}s`;
    default: {
      const message = err instanceof Error ? err.message : String(err);
      return `cannot reach the hub at ${url}: ${message}${code ? ` (${code})` : ""}`;
    }
  }
}

/** A loop, not `/\/+$/` (quadratic on a long run of slashes; apps/hub/test/redos.security.test.ts). */
function withoutTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47) end--;
  return path.slice(0, end);
}
