import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Loop } from "../src/loop.ts";

/** A loop whose pass only counts itself (and never asks for another pass at once). */
function countingLoop(gapMs?: number) {
  let passes = 0;
  const loop = new Loop(
    async () => {
      passes += 1;
      return false;
    },
    60_000,
    () => undefined,
    gapMs,
  );
  return { loop, passes: () => passes };
}

describe("Loop", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("an idle loop runs a kick at once; kicks right after a pass wait for the gap and share one pass", async () => {
    const { loop, passes } = countingLoop(10);
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(passes()).toBe(1);

    loop.kick();
    loop.kick();
    loop.kick();
    await vi.advanceTimersByTimeAsync(9);
    expect(passes()).toBe(1); // still inside the gap after the first pass
    await vi.advanceTimersByTimeAsync(1);
    expect(passes()).toBe(2); // the three kicks: one pass

    await vi.advanceTimersByTimeAsync(1_000);
    loop.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(passes()).toBe(3); // idle long enough: at once
    await loop.stop();
  });

  it("without a gap a kick runs at once", async () => {
    const { loop, passes } = countingLoop();
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    loop.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(passes()).toBe(2);
    await loop.stop();
  });
});
