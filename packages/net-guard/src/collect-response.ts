import type { Dispatcher } from "undici";

export interface CollectedResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** The vendor's answer was larger than the caller allows (a bad answer, not a network failure). */
export class ResponseTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`answer larger than ${maxBytes} bytes`);
    this.name = "ResponseTooLarge";
  }
}

/**
 * One request through undici's dispatch API, its answer collected into a string. Vendor answers
 * are small JSON documents read whole, so the stream and promise machinery of `request()` (a
 * Readable per answer, `body.text()`) is skipped; the answer is bounded by `maxBytes`. Timeouts
 * are undici's own (headersTimeout/bodyTimeout in `options`); a caller's signal aborts.
 */
export function collectResponse(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<CollectedResponse> {
  return new Promise((resolve, reject) => {
    dispatcher.dispatch(options, new CollectingHandler(resolve, reject, maxBytes, signal));
  });
}

class CollectingHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private controller: Dispatcher.DispatchController | undefined;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly resolve: (answer: CollectedResponse) => void,
    private readonly reject: (err: unknown) => void,
    private readonly maxBytes: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    if (signal) {
      this.onAbort = this.abort.bind(this);
      signal.addEventListener("abort", this.onAbort, { once: true });
    }
  }

  private abort(): void {
    this.controller?.abort(this.signal?.reason ?? new Error("aborted"));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.signal?.aborted) this.abort();
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
      controller.abort(new ResponseTooLarge(this.maxBytes));
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.done();
    const only = this.chunks.length === 1 ? this.chunks[0] : undefined;
    const text = (only ?? Buffer.concat(this.chunks)).toString("utf8");
    this.resolve({ status: this.status, headers: this.headers, text });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.done();
    this.reject(error);
  }

  private done(): void {
    if (this.onAbort) this.signal?.removeEventListener("abort", this.onAbort);
  }
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
