import { describe, expect, it } from "vitest";
import { type BreakerChange, CircuitBreaker, EndpointGates, endpointKey } from "../src/index.ts";

const opts = { failureThreshold: 3, cooldownMs: 1_000, maxCooldownMs: 4_000 };

describe("CircuitBreaker", () => {
  it("closed → open after N consecutive failures → half-open probe → closed", () => {
    const b = new CircuitBreaker(opts);
    b.onFailure(0);
    b.onFailure(0);
    b.onSuccess(); // a success resets the count
    b.onFailure(0);
    b.onFailure(0);
    expect(b.state).toBe("closed");
    b.onFailure(10);
    expect(b.state).toBe("open");
    expect(b.acquire(500)).toEqual({ allowed: false, retryAt: 1_010 });
    expect(b.acquire(1_010)).toEqual({ allowed: true, probe: true });
    expect(b.state).toBe("half-open");
    expect(b.acquire(1_011).allowed).toBe(false); // one probe at a time
    b.onSuccess();
    expect(b.state).toBe("closed");
    expect(b.acquire(1_012)).toEqual({ allowed: true, probe: false });
  });

  it("a failed probe reopens with a doubled cooldown, capped", () => {
    const b = new CircuitBreaker(opts);
    for (let i = 0; i < 3; i++) b.onFailure(0);
    let t = 1_000;
    for (const cooldown of [2_000, 4_000, 4_000]) {
      expect(b.acquire(t)).toEqual({ allowed: true, probe: true });
      b.onFailure(t);
      expect(b.state).toBe("open");
      expect(b.acquire(t + cooldown - 1).allowed).toBe(false);
      t += cooldown;
    }
  });

  it("an abandoned probe frees the probe slot", () => {
    const b = new CircuitBreaker(opts);
    for (let i = 0; i < 3; i++) b.onFailure(0);
    expect(b.acquire(2_000).allowed).toBe(true);
    b.abandonProbe();
    expect(b.acquire(2_001)).toEqual({ allowed: true, probe: true });
  });
});

describe("EndpointGates", () => {
  it("limits requests in flight per endpoint and postpones callers that wait too long", async () => {
    const gates = new EndpointGates({ breaker: opts, concurrency: 2, slotWaitMs: 50 });
    const a = await gates.acquire("e1");
    const b = await gates.acquire("e1");
    expect(a.ok && b.ok).toBe(true);
    const other = await gates.acquire("e2"); // another endpoint is unaffected
    expect(other.ok).toBe(true);
    const waiting = gates.acquire("e1");
    if (a.ok) a.release("success");
    expect((await waiting).ok).toBe(true); // got the freed slot
    const late = await gates.acquire("e1");
    expect(late).toMatchObject({ ok: false, reason: "busy" });
  });

  it("refuses at once while the breaker is open", async () => {
    const gates = new EndpointGates({ breaker: opts, concurrency: 8, slotWaitMs: 50 });
    for (let i = 0; i < 3; i++) {
      const g = await gates.acquire("e");
      if (g.ok) g.release("failure");
    }
    expect(await gates.acquire("e")).toMatchObject({ ok: false, reason: "breaker-open" });
  });

  it("keys endpoints by origin and path", () => {
    expect(endpointKey("https://a.example:8443/v1/dataGateway?x=1")).toBe(
      "https://a.example:8443/v1/dataGateway",
    );
  });
});

describe("breaker changes are told (the worker logs them)", () => {
  it("opening with its failures and cooldown, closing after a probe; nothing for other transitions", () => {
    const changes: { endpoint: string; change: BreakerChange }[] = [];
    const gates = new EndpointGates({
      breaker: opts,
      concurrency: 8,
      slotWaitMs: 50,
      onBreakerChange: (endpoint, change) => changes.push({ endpoint, change }),
    });
    const b = gates.breaker("https://partner.example/gw");
    b.onFailure(0);
    b.onFailure(0);
    expect(changes).toEqual([]);
    b.onFailure(0);
    expect(b.acquire(1_000)).toEqual({ allowed: true, probe: true });
    b.onSuccess();
    b.onSuccess(); // already closed: nothing more to tell
    expect(changes).toEqual([
      {
        endpoint: "https://partner.example/gw",
        change: { to: "open", consecutiveFailures: 3, cooldownMs: 1_000 },
      },
      { endpoint: "https://partner.example/gw", change: { to: "closed", after: "probe" } },
    ]);
  });
});
