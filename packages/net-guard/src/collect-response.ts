import type { Dispatcher } from "undici";

export interface CollectedResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** The answer was larger than the caller allows (a bad answer, not a network failure). */
export class ResponseTooLarge extends Error {
  constructor(
    readonly maxBytes: number,
    /** The answer's HTTP status (it had arrived before the body grew too large). */
    readonly status?: number,
  ) {
    super(`answer larger than ${maxBytes} bytes`);
    this.name = "ResponseTooLarge";
  }
}

/** No complete answer within the caller's deadline (connect, request, answer and body together). */
export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`no complete answer within ${ms} ms`);
    this.name = "DeadlineExceeded";
  }
}

export interface CollectOptions {
  /** Largest answer body read; a larger one fails with ResponseTooLarge. */
  maxBytes: number;
  /** Aborts the request at once. */
  signal?: AbortSignal;
  /**
   * One deadline for the whole exchange, ms (undici's own timeouts bound each phase separately):
   * it fails with DeadlineExceeded when it passes, whatever phase the request is in.
   */
  deadlineMs?: number;
}

/**
 * One request through undici's dispatch API, its answer collected into a string. Answers from
 * other clouds are small JSON documents read whole, so the stream and promise machinery of
 * `request()` (a Readable per answer, `body.text()`, an AbortSignal per deadline) is skipped; the
 * answer is bounded by `maxBytes`.
 */
export function collectResponse(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  opts: CollectOptions,
): Promise<CollectedResponse> {
  return new Promise((resolve, reject) => {
    dispatcher.dispatch(options, new CollectingHandler(resolve, reject, opts));
  });
}

class CollectingHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private controller: Dispatcher.DispatchController | undefined;
  private readonly maxBytes: number;
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Set once the promise is settled: whatever undici reports afterwards is ignored. */
  private settled = false;

  constructor(
    private readonly resolve: (answer: CollectedResponse) => void,
    private readonly reject: (err: unknown) => void,
    opts: CollectOptions,
  ) {
    this.maxBytes = opts.maxBytes;
    this.signal = opts.signal;
    if (this.signal) {
      this.onAbort = this.abort.bind(this);
      this.signal.addEventListener("abort", this.onAbort, { once: true });
    }
    if (opts.deadlineMs !== undefined) {
      this.timer = setTimeout(deadlinePassed, opts.deadlineMs, this, opts.deadlineMs);
    }
  }

  private abort(): void {
    this.controller?.abort(this.signal?.reason ?? new Error("aborted"));
  }

  /** The deadline passed: fail now, even if undici has not started the request (still connecting). */
  expire(ms: number): void {
    this.timer = undefined;
    const err = new DeadlineExceeded(ms);
    this.controller?.abort(err);
    this.fail(err);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.signal?.aborted) this.abort();
    else if (this.settled) controller.abort(new Error("request abandoned: its deadline passed"));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // 1xx: the real answer follows
    this.status = statusCode;
    this.headers = flattenHeaders(headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      controller.abort(new ResponseTooLarge(this.maxBytes, this.status));
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.done();
    const only = this.chunks.length === 1 ? this.chunks[0] : undefined;
    const text = (only ?? Buffer.concat(this.chunks)).toString("utf8");
    this.resolve({ status: this.status, headers: this.headers, text });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.done();
    this.reject(error);
  }

  private done(): void {
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.onAbort) this.signal?.removeEventListener("abort", this.onAbort);
  }
}

/** The deadline timer's callback: a module function and arguments, not a bound function per request. */
function deadlinePassed(handler: CollectingHandler, ms: number): void {
  handler.expire(ms);
}

/** undici hands over lower-case names already; repeated headers are joined the way fetch() joins them. */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in headers) {
    const value = headers[key];
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

const targets = new Map<string, { origin: string; path: string }>();
const MAX_REMEMBERED_TARGETS = 10_000;

/**
 * Origin and path (with query) of a URL, as undici's dispatch wants them, parsed once per distinct
 * URL: callers send to the same few vendor and receiver URLs over and over, and parsing one costs
 * more than a lookup. Throws on a URL that does not parse.
 */
export function requestTarget(url: string): { origin: string; path: string } {
  let target = targets.get(url);
  if (target === undefined) {
    const parsed = new URL(url);
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (targets.size >= MAX_REMEMBERED_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}
