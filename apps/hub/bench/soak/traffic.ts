import { Pool } from "undici";

/** What one request of the mix is: an op through the hub, or a report fanned out to 1 or to 10 subscribers. */
export type Kind = "op" | "r1" | "r10";

/** The mix by count, in a fixed cycle of 20 (no randomness between runs): 10 ops, 7 reports to 1 subscriber, 3 to 10. */
const MIX: Kind[] = [
  ...["op", "r1", "op", "r10", "op", "r1", "op", "r1", "op", "r1"],
  ...["op", "r10", "op", "r1", "op", "r1", "op", "r10", "op", "r1"],
] as Kind[];

export function mixShare(kind: Kind): number {
  return MIX.filter((k) => k === kind).length / MIX.length;
}

export interface Sent {
  kind: Kind;
  /** For reports: the number in its DeviceStatus.seq, which the receivers record. */
  seq?: number;
  startedAt: number;
  ms: number;
  ok: boolean;
}

export interface TrafficTarget {
  hubUrl: string;
  op: { headers: Record<string, string>; body: () => string };
  /** A report's headers and body, carrying `seq`, to 1 subscriber (r1) or 10 (r10). */
  report: (kind: "r1" | "r10", seq: number) => { headers: Record<string, string>; body: string };
}

/** Sends requests of the mix to the hub and records each one's latency and outcome. */
export class Traffic {
  private readonly pool: Pool;
  private n = 0;
  seq = 0;
  inFlight = 0;
  /** Requests the open loop did not send because too many were waiting (over all open loops). */
  shed = 0;
  /** Every report the hub accepted, by seq, with the group it went to. */
  readonly accepted = new Map<number, "r1" | "r10">();
  onDone: (s: Sent) => void = () => {};

  constructor(private readonly target: TrafficTarget) {
    this.pool = new Pool(new URL(target.hubUrl).origin, { connections: 128, pipelining: 1 });
  }

  nextKind(only?: Kind): Kind {
    if (only) return only;
    const k = MIX[this.n % MIX.length] as Kind;
    this.n += 1;
    return k;
  }

  async send(kind: Kind): Promise<Sent> {
    this.inFlight += 1;
    const startedAt = Date.now();
    const t0 = performance.now();
    let ok = false;
    let seq: number | undefined;
    try {
      let path: string;
      let headers: Record<string, string>;
      let body: string;
      if (kind === "op") {
        path = "/v1/devices/op";
        headers = this.target.op.headers;
        body = this.target.op.body();
      } else {
        seq = ++this.seq;
        path = "/v1/dataservices/dataGateway";
        ({ headers, body } = this.target.report(kind, seq));
      }
      const res = await this.pool.request({ method: "POST", path, headers, body });
      const text = await res.body.text();
      ok = res.statusCode === 200 && text.includes('"RetCode":"200"');
      if (ok && seq !== undefined && kind !== "op") this.accepted.set(seq, kind);
    } catch {
      ok = false;
    } finally {
      this.inFlight -= 1;
    }
    const sent = { kind, seq, startedAt, ms: performance.now() - t0, ok };
    this.onDone(sent);
    return sent;
  }

  /** Closed loop: `concurrency` callers, each sending the next request of the mix when the last answered. */
  async closedLoop(concurrency: number, seconds: number): Promise<Sent[]> {
    const out: Sent[] = [];
    const end = performance.now() + seconds * 1000;
    const caller = async () => {
      while (performance.now() < end) out.push(await this.send(this.nextKind()));
    };
    await Promise.all(Array.from({ length: concurrency }, caller));
    return out;
  }

  /**
   * Open loop at `rate` requests/s for `seconds` (or until `stop()` says so): requests go out on
   * schedule whether or not earlier ones answered, as real callers' do; beyond `maxInFlight`
   * waiting ones a request is not sent and counted as shed (the hub could not keep up).
   */
  async openLoop(opts: {
    rate: () => number;
    seconds: number;
    only?: Kind;
    maxInFlight?: number;
    tick?: (elapsedMs: number) => Promise<void> | void;
  }): Promise<{ sent: number; shed: number }> {
    const max = opts.maxInFlight ?? 1024;
    const start = performance.now();
    const end = start + opts.seconds * 1000;
    let due = 0;
    let sent = 0;
    let shed = 0;
    let last = start;
    const pending = new Set<Promise<unknown>>();
    while (performance.now() < end) {
      const now = performance.now();
      due += ((now - last) / 1000) * opts.rate();
      last = now;
      while (due >= 1) {
        due -= 1;
        if (this.inFlight >= max) {
          shed += 1;
          this.shed += 1;
          continue;
        }
        const p = this.send(this.nextKind(opts.only));
        pending.add(p);
        void p.finally(() => pending.delete(p));
        sent += 1;
      }
      await opts.tick?.(now - start);
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(pending);
    return { sent, shed };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
