import type { BreakerOptions } from "./config.ts";

export type BreakerState = "closed" | "open" | "half-open";

/** A breaker opening (with how long it stays away) or closing again: logged by the worker. */
export type BreakerChange =
  | { to: "open"; consecutiveFailures: number; cooldownMs: number }
  | { to: "closed"; after: "probe" | "success" };

export type BreakerDecision = { allowed: true; probe: boolean } | { allowed: false; retryAt: number };

/**
 * A per-endpoint circuit breaker. State lives in the memory of one worker process: each worker
 * learns on its own that an endpoint is down (at most `failureThreshold` wasted attempts per
 * worker), which keeps the hot path free of Redis round trips.
 */
export class CircuitBreaker {
  #state: BreakerState = "closed";
  #failures = 0;
  #openUntil = 0;
  #cooldown: number;
  #probeInFlight = false;

  constructor(
    private readonly opts: BreakerOptions,
    private readonly probeWaitMs = 1_000,
    private readonly onChange?: (change: BreakerChange) => void,
  ) {
    this.#cooldown = opts.cooldownMs;
  }

  get state(): BreakerState {
    return this.#state;
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** When a request now would be refused, the time to come back; undefined if it may go. No state change. */
  peek(now: number): number | undefined {
    if (this.#state === "open" && now < this.#openUntil) return this.#openUntil;
    if (this.#state !== "closed" && this.#probeInFlight) return now + this.probeWaitMs;
    return undefined;
  }

  /** Asks to send one request now. A denied caller should come back at retryAt. */
  acquire(now: number): BreakerDecision {
    if (this.#state === "closed") return { allowed: true, probe: false };
    if (this.#state === "open") {
      if (now < this.#openUntil) return { allowed: false, retryAt: this.#openUntil };
      this.#state = "half-open";
    }
    // half-open: exactly one probe at a time; everyone else waits for its verdict.
    if (this.#probeInFlight) return { allowed: false, retryAt: now + this.probeWaitMs };
    this.#probeInFlight = true;
    return { allowed: true, probe: true };
  }

  onSuccess(): void {
    if (this.#state !== "closed")
      this.onChange?.({ to: "closed", after: this.#probeInFlight ? "probe" : "success" });
    this.#state = "closed";
    this.#failures = 0;
    this.#probeInFlight = false;
    this.#cooldown = this.opts.cooldownMs;
  }

  onFailure(now: number): void {
    this.#failures += 1;
    if (this.#state === "half-open") {
      // The probe failed: stay away longer each time, up to the cap.
      this.#probeInFlight = false;
      this.#cooldown = Math.min(this.#cooldown * 2, this.opts.maxCooldownMs);
      this.#open(now);
    } else if (this.#state === "closed" && this.#failures >= this.opts.failureThreshold) {
      this.#open(now);
    }
  }

  /** A probe that ended without a verdict (e.g. the worker is shutting down) frees the probe slot. */
  abandonProbe(): void {
    this.#probeInFlight = false;
  }

  #open(now: number): void {
    this.#state = "open";
    this.#openUntil = now + this.#cooldown;
    this.onChange?.({ to: "open", consecutiveFailures: this.#failures, cooldownMs: this.#cooldown });
  }
}
