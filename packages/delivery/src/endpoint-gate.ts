import { type BreakerChange, CircuitBreaker } from "./breaker.ts";
import type { BreakerOptions } from "./config.ts";

const keys = new Map<string, string>();

/** Endpoint = origin + path of a dataGatewayUrl: two platforms on one URL share a fate. */
export function endpointKey(url: string): string {
  // Parsed once per distinct URL (there are as many as receiving platforms), not once per attempt.
  let key = keys.get(url);
  if (key === undefined) {
    const u = new URL(url);
    key = `${u.origin}${u.pathname}`;
    if (keys.size >= 10_000) keys.clear();
    keys.set(url, key);
  }
  return key;
}

export type GateDecision =
  | { ok: true; release(result: "success" | "failure" | "abandoned"): void }
  | { ok: false; retryAt: number; reason: "breaker-open" | "busy" };

interface Endpoint {
  breaker: CircuitBreaker;
  inFlight: number;
  waiters: Array<() => void>;
}

/**
 * Breaker + concurrency limit per endpoint, per process. An attempt that cannot get a slot within
 * `slotWaitMs` is postponed rather than left holding a worker slot, so a slow partner cannot
 * starve deliveries to the others.
 */
export class EndpointGates {
  readonly #endpoints = new Map<string, Endpoint>();
  /** What a granted slot needs from its gates, made once (not per grant). */
  readonly #slots: SlotOwner = { free: (ep) => this.#free(ep), now: () => this.now() };

  constructor(
    private readonly opts: {
      breaker: BreakerOptions;
      concurrency: number;
      slotWaitMs: number;
      /** Told when an endpoint's breaker opens or closes (the worker logs it). */
      onBreakerChange?: (endpoint: string, change: BreakerChange) => void;
    },
    private readonly now: () => number = Date.now,
  ) {}

  breaker(key: string): CircuitBreaker {
    return this.#get(key).breaker;
  }

  /** Every endpoint this process has talked to: breaker state and requests in flight (metrics, console). */
  snapshot(): { endpoint: string; state: string; inFlight: number }[] {
    return [...this.#endpoints].map(([endpoint, ep]) => ({
      endpoint,
      state: ep.breaker.state,
      inFlight: ep.inFlight,
    }));
  }

  async acquire(key: string): Promise<GateDecision> {
    const ep = this.#get(key);
    if (ep.inFlight >= this.opts.concurrency) {
      // Fail fast when the breaker is open anyway; otherwise queue for a slot.
      const peek = ep.breaker.peek(this.now());
      if (peek !== undefined) return { ok: false, retryAt: peek, reason: "breaker-open" };
      if (!(await this.#waitForSlot(ep))) {
        // Short, jittered postponement: the slot is likely free again soon.
        return { ok: false, retryAt: this.now() + 100 + Math.floor(Math.random() * 400), reason: "busy" };
      }
    } else {
      ep.inFlight += 1;
    }
    // The breaker is asked only once a slot is held: the requests that were in flight while we
    // waited may just have opened it.
    const decision = ep.breaker.acquire(this.now());
    if (!decision.allowed) {
      this.#free(ep);
      return { ok: false, retryAt: decision.retryAt, reason: "breaker-open" };
    }
    return new HeldSlot(this.#slots, ep, decision.probe);
  }

  #free(ep: Endpoint): void {
    ep.inFlight -= 1;
    ep.waiters.shift()?.();
  }

  #waitForSlot(ep: Endpoint): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        // The slot is taken here, synchronously, so nobody can slip in before the waiter resumes;
        // if someone already did, wait for the next release (the timeout still applies).
        if (ep.inFlight < this.opts.concurrency) {
          clearTimeout(timer);
          ep.inFlight += 1;
          resolve(true);
        } else ep.waiters.unshift(wake);
      };
      const timer = setTimeout(() => {
        const i = ep.waiters.indexOf(wake);
        if (i >= 0) ep.waiters.splice(i, 1);
        resolve(false);
      }, this.opts.slotWaitMs);
      ep.waiters.push(wake);
    });
  }

  #get(key: string): Endpoint {
    let ep = this.#endpoints.get(key);
    if (!ep) {
      const onChange = this.opts.onBreakerChange;
      const breaker = new CircuitBreaker(
        this.opts.breaker,
        undefined,
        onChange && ((change) => onChange(key, change)),
      );
      ep = { breaker, inFlight: 0, waiters: [] };
      this.#endpoints.set(key, ep);
    }
    return ep;
  }
}

/** A granted slot: released once, reporting how the request went to the endpoint's breaker. */
class HeldSlot {
  readonly ok = true;
  #released = false;

  constructor(
    private readonly owner: SlotOwner,
    private readonly ep: Endpoint,
    private readonly probe: boolean,
  ) {}

  release(result: "success" | "failure" | "abandoned"): void {
    if (this.#released) return;
    this.#released = true;
    this.owner.free(this.ep);
    if (result === "success") this.ep.breaker.onSuccess();
    else if (result === "failure") this.ep.breaker.onFailure(this.owner.now());
    else if (this.probe) this.ep.breaker.abandonProbe();
  }
}

interface SlotOwner {
  free(ep: Endpoint): void;
  now(): number;
}
