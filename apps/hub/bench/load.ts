import { Pool } from "undici";

export interface LoadResult {
  requests: number;
  errors: number;
  /**
   * Requests an open loop did not send because `maxInFlight` were already waiting: the load
   * generator's refusal (its machine stalled, or the server did), not an answer of the server.
   */
  shed?: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** CPU time the server process under test spent per request, when the caller measured it. */
  cpuMicrosPerRequest?: number;
}

/**
 * Closed-loop load: `concurrency` callers each send the next request as soon as the previous
 * answered, for `seconds`. Latencies in ms; a non-2xx answer or a RetCode other than "200"
 * counts as an error (so a broken setup cannot pass as fast).
 */
export async function runLoad(opts: {
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  concurrency: number;
  seconds: number;
}): Promise<LoadResult> {
  const origin = new URL(opts.url).origin;
  const pool = new Pool(origin, { connections: opts.concurrency, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + opts.seconds * 1000;
  const start = performance.now();
  async function worker() {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const res = await pool.request({
        method: "POST",
        path: opts.path,
        headers: opts.headers,
        body: opts.body,
      });
      const text = await res.body.text();
      latencies.push(performance.now() - t0);
      if (res.statusCode !== 200 || !text.includes('"RetCode":"200"')) errors++;
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  await pool.close();
  return summary(latencies, errors, start);
}

/**
 * Open-loop load at a fixed rate: requests go out on schedule whatever the answers' latency (up to
 * `maxInFlight` waiting; beyond that one is skipped and counted as an error). Two servers given the
 * same rate do the same work at the same load, so their CPU per request compares the work itself;
 * a closed loop also charges a slower server for the fewer requests it then gets per wake-up.
 */
export async function runLoadAtRate(opts: {
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  rate: number;
  seconds: number;
  maxInFlight?: number;
}): Promise<LoadResult> {
  const origin = new URL(opts.url).origin;
  const maxInFlight = opts.maxInFlight ?? 256;
  const pool = new Pool(origin, { connections: maxInFlight, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  let shed = 0;
  let inFlight = 0;
  const pending: Promise<void>[] = [];
  const one = async () => {
    const t0 = performance.now();
    try {
      const res = await pool.request({
        method: "POST",
        path: opts.path,
        headers: opts.headers,
        body: opts.body,
      });
      const text = await res.body.text();
      latencies.push(performance.now() - t0);
      if (res.statusCode !== 200 || !text.includes('"RetCode":"200"')) errors++;
    } catch {
      errors++;
    } finally {
      inFlight--;
    }
  };
  const start = performance.now();
  const total = Math.floor(opts.rate * opts.seconds);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    // Sleep only when a whole millisecond ahead: timers are that coarse.
    if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= maxInFlight) {
      shed++;
      continue;
    }
    inFlight++;
    pending.push(one());
  }
  await Promise.all(pending);
  await pool.close();
  return { ...summary(latencies, errors, start), shed };
}

/** The figures of a finished run: latencies in ms (sorted here), errors, and when it started. */
function summary(latencies: number[], errors: number, start: number): LoadResult {
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    errors,
    seconds,
    rps: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
  };
}

export function describe(name: string, r: LoadResult): string {
  return `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   (${r.requests} requests, ${r.errors} errors${r.shed ? `, ${r.shed} not sent: too many in flight` : ""})${
    r.cpuMicrosPerRequest === undefined ? "" : `   server CPU ${r.cpuMicrosPerRequest.toFixed(0)} µs/request`
  }`;
}
