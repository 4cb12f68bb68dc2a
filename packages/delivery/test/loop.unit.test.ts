import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Loop } from "../src/loop.ts";

describe("Loop", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("an idle loop runs a kick at once; kicks right after a pass wait for the gap and share one pass", async () => {
    let passes = 0;
    const loop = new Loop(
      async () => {
        passes += 1;
        return false;
      },
      60_000,
      () => undefined,
      10,
    );
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(passes).toBe(1);

    loop.kick();
    loop.kick();
    loop.kick();
    await vi.advanceTimersByTimeAsync(9);
    expect(passes).toBe(1); // still inside the gap after the first pass
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toBe(2); // the three kicks: one pass

    await vi.advanceTimersByTimeAsync(1_000);
    loop.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(passes).toBe(3); // idle long enough: at once
    await loop.stop();
  });

  it("without a gap a kick runs at once", async () => {
    let passes = 0;
    const loop = new Loop(
      async () => {
        passes += 1;
        return false;
      },
      60_000,
      () => undefined,
    );
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    loop.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(passes).toBe(2);
    await loop.stop();
  });
});
