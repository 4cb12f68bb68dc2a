import { AdapterError } from "@yunlian/adapter-sdk";
import type { PostJsonOptions, SendOptions, VendorHttp, VendorResponse } from "@yunlian/adapter-sdk/http";
import { redactBody, redactHeaders } from "./redact.ts";
import type { Exchange } from "./report.ts";

/** The run's bounds: how many calls it may make, and until when. */
export interface RunBudget {
  maxCalls: number;
  deadline: number;
  /** A call's own limit when the adapter sets none (HUB_VENDOR_TIMEOUT_MS, as in production). */
  callTimeoutMs: number;
  now(): number;
}

/**
 * The hub's VendorHttp, seen by a run: every exchange is kept (redacted) so a failed clause shows
 * the requests and answers it made, and the run's call budget and deadline are enforced here, at
 * the one place every adapter call goes through.
 */
export class RecordingHttp implements VendorHttp {
  private readonly exchanges: Exchange[] = [];
  calls = 0;

  constructor(
    private readonly inner: VendorHttp,
    private readonly budget: RunBudget,
  ) {}

  /** Exchanges recorded from `mark` on (a clause takes a mark when it starts). */
  since(mark: number): Exchange[] {
    return this.exchanges.slice(mark);
  }

  mark(): number {
    return this.exchanges.length;
  }

  postJson(url: string, body: unknown, opts?: PostJsonOptions): Promise<VendorResponse> {
    const text = JSON.stringify(body);
    return this.recorded("POST", url, text, opts?.headers, () =>
      this.inner.postJson(url, body, this.bounded(opts)),
    );
  }

  send(method: Parameters<VendorHttp["send"]>[0], url: string, opts?: SendOptions): Promise<VendorResponse> {
    return this.recorded(method, url, opts?.body ?? "", opts?.headers, () =>
      this.inner.send(method, url, this.bounded(opts)),
    );
  }

  /** A call never outlives the run: its timeout is cut to what is left. */
  private bounded<T extends PostJsonOptions>(opts: T | undefined): T {
    const left = Math.max(1, this.budget.deadline - this.budget.now());
    const timeoutMs = Math.min(opts?.timeoutMs ?? this.budget.callTimeoutMs, left);
    return { ...(opts ?? ({} as T)), timeoutMs };
  }

  private async recorded(
    method: string,
    url: string,
    body: string,
    headers: Record<string, string> | undefined,
    go: () => Promise<VendorResponse>,
  ): Promise<VendorResponse> {
    if (this.calls >= this.budget.maxCalls) {
      throw new AdapterError(
        "rejected",
        `certification call budget of ${this.budget.maxCalls} calls used up`,
      );
    }
    if (this.budget.now() >= this.budget.deadline) {
      throw new AdapterError("timeout", "certification run time is up");
    }
    this.calls += 1;
    const exchange: Exchange = {
      method,
      url: redactUrl(url),
      requestHeaders: redactHeaders(headers),
      requestBody: redactBody(body),
      status: null,
      answer: "",
    };
    this.exchanges.push(exchange);
    try {
      const res = await go();
      exchange.status = res.status;
      exchange.answer = redactBody(res.text);
      return res;
    } catch (err) {
      exchange.answer = err instanceof Error ? err.message : String(err);
      throw err;
    }
  }
}

/** Query parameters that carry credentials are masked too (a native API may put a token there). */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const key of [...u.searchParams.keys()]) {
      if (/token|secret|sign/i.test(key)) u.searchParams.set(key, "***");
    }
    return u.toString();
  } catch {
    return url;
  }
}
