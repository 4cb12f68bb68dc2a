import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RelayLoop } from "../src/bullmq/relay-loop.ts";
import { idsOfPayload, idsPayloads } from "../src/wake.ts";

describe("relay wake-ups", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function relay(batchSize = 100, queued = () => 0) {
    const passes: (readonly string[] | undefined)[] = [];
    const loop = new RelayLoop({
      pass: async (ids) => {
        passes.push(ids);
        return queued();
      },
      batchSize,
      intervalMs: 1_000,
      minGapMs: 0,
      onError: () => undefined,
    });
    return { loop, passes };
  }

  it("fetches named rows by key, scans for anything else, and scans at least every interval", async () => {
    const { loop, passes } = relay();
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(passes).toEqual([undefined]); // the first pass scans

    loop.wake("msg_0a,msg_0b");
    await vi.advanceTimersByTimeAsync(0);
    expect(passes.at(-1)).toEqual(["msg_0a", "msg_0b"]);

    loop.wake(""); // a replay, or a batch too big to name
    await vi.advanceTimersByTimeAsync(0);
    expect(passes.at(-1)).toBeUndefined();

    loop.wake("not,ids!"); // any other payload: scan
    await vi.advanceTimersByTimeAsync(0);
    expect(passes.at(-1)).toBeUndefined();

    // Hints keep coming: they are fetched by key, but a scan still runs once an interval has passed.
    await vi.advanceTimersByTimeAsync(500);
    loop.wake("msg_0c");
    await vi.advanceTimersByTimeAsync(0);
    expect(passes.at(-1)).toEqual(["msg_0c"]);
    await vi.advanceTimersByTimeAsync(501);
    loop.wake("msg_0d");
    await vi.advanceTimersByTimeAsync(5);
    // A scan was due: it runs, and the hint is still fetched right after (scans skip young rows).
    expect(passes.slice(-2)).toEqual([undefined, ["msg_0d"]]);
    await loop.stop();
  });

  it("a scan that filled its batch is followed by another scan", async () => {
    let left = 3;
    const { loop, passes } = relay(10, () => (left-- > 0 ? 10 : 0));
    loop.start();
    await vi.advanceTimersByTimeAsync(5);
    expect(passes).toEqual([undefined, undefined, undefined, undefined]);
    await loop.stop();
  });

  it("names at most 200 ids per payload", () => {
    const ids = Array.from({ length: 450 }, (_, i) => `msg_${i.toString(36)}`);
    const payloads = idsPayloads(ids);
    expect(payloads).toHaveLength(3);
    expect(payloads.flatMap((p) => idsOfPayload(p) ?? [])).toEqual(ids);
    expect(idsOfPayload("")).toBeUndefined();
  });
});
