import { describe, expect, it } from "vitest";
import { GroupCommit } from "../src/group-commit.ts";

function committer(
  opts: { failBatchIf?: (items: readonly number[]) => boolean; bad?: number; lingerMs?: number } = {},
) {
  const batches: number[][] = [];
  const woken: number[][] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const g = new GroupCommit<number, string>({
    maxBatch: 3,
    ...(opts.lingerMs === undefined ? {} : { lingerMs: opts.lingerMs }),
    async runBatch(items) {
      batches.push([...items]);
      if (hold) await new Promise<void>((r) => (release = r));
      if (opts.failBatchIf?.(items) || items.includes(opts.bad ?? Number.NaN))
        throw new Error("batch failed");
      return items.map((n) => `ok ${n}`);
    },
    async runOne(n) {
      if (n === opts.bad) throw new Error(`bad ${n}`);
      return `alone ${n}`;
    },
    afterCommit: (items) => void woken.push([...items]),
  });
  return {
    g,
    batches,
    woken,
    hold: () => {
      hold = true;
    },
    release: () => {
      hold = false;
      release?.();
    },
  };
}

describe("GroupCommit", () => {
  it("writes calls made in one tick as one batch, capped at maxBatch", async () => {
    const c = committer();
    const results = await Promise.all([1, 2, 3, 4].map((n) => c.g.submit(n)));
    expect(results).toEqual(["ok 1", "ok 2", "ok 3", "ok 4"]);
    expect(c.batches).toEqual([[1, 2, 3], [4]]);
    expect(c.woken).toEqual([[1, 2, 3], [4]]);
  });

  it("enqueue calls back with each item's result, or its error after the items were tried alone", async () => {
    const c = committer({ bad: 2 });
    const seen: string[] = [];
    const onResult = (r: string, n: number) => void seen.push(`${n}: ${r}`);
    const onError = (err: unknown, n: number) => void seen.push(`${n}: ${String(err)}`);
    for (const n of [1, 2, 3]) c.g.enqueue(n, onResult, onError);
    await c.g.whenIdle();
    expect(seen).toEqual(["1: alone 1", "2: Error: bad 2", "3: alone 3"]);
  });

  it("a callback that throws keeps no other item of its batch from its own", async () => {
    const c = committer();
    const seen: number[] = [];
    const onResult = (_r: string, n: number) => {
      seen.push(n);
      if (n === 1) throw new Error("the caller's own bug");
    };
    for (const n of [1, 2, 3]) c.g.enqueue(n, onResult, () => undefined);
    await c.g.whenIdle();
    expect(seen).toEqual([1, 2, 3]);
    // The committer still works afterwards.
    expect(await c.g.submit(4)).toBe("ok 4");
  });

  it("collects calls made while a batch is in flight into the next one", async () => {
    const c = committer();
    c.hold();
    const first = c.g.submit(1);
    await new Promise((r) => setTimeout(r, 5));
    const later = [c.g.submit(2), c.g.submit(3)];
    c.release();
    expect(await Promise.all([first, ...later])).toEqual(["ok 1", "ok 2", "ok 3"]);
    expect(c.batches).toEqual([[1], [2, 3]]);
  });

  it("retries a failed batch item by item, so one bad item fails alone", async () => {
    const c = committer({ bad: 2 });
    const settled = await Promise.allSettled([1, 2, 3].map((n) => c.g.submit(n)));
    expect(settled.map((s) => (s.status === "fulfilled" ? s.value : String(s.reason)))).toEqual([
      "alone 1",
      "Error: bad 2",
      "alone 3",
    ]);
    // The wake-up covers only what was committed.
    expect(c.woken).toEqual([[1, 3]]);
  });

  it("a lone failing item gets the batch's error", async () => {
    const c = committer({ bad: 7 });
    await expect(c.g.submit(7)).rejects.toThrow("batch failed");
    // …and the committer keeps working afterwards.
    expect(await c.g.submit(8)).toBe("ok 8");
  });

  it("with a linger, an idle committer waits for items submitted in later ticks", async () => {
    const c = committer({ lingerMs: 30 });
    const first = c.g.submit(1);
    await new Promise((r) => setTimeout(r, 5));
    const second = c.g.submit(2);
    expect(await Promise.all([first, second])).toEqual(["ok 1", "ok 2"]);
    expect(c.batches).toEqual([[1, 2]]);
  });

  it("with a linger, a full batch does not wait for it", async () => {
    const c = committer({ lingerMs: 60_000 });
    const results = await Promise.all([1, 2, 3].map((n) => c.g.submit(n)));
    expect(results).toEqual(["ok 1", "ok 2", "ok 3"]);
    expect(c.batches).toEqual([[1, 2, 3]]);
  });

  it("with a linger, items that wait while a batch commits go together no sooner than a linger after it started", async () => {
    const c = committer({ lingerMs: 50 });
    c.hold();
    const first = c.g.submit(1);
    await new Promise((r) => setTimeout(r, 60)); // batch [1] started and is held
    const next = [c.g.submit(2)];
    c.release(); // [1] commits at once; 2 alone would be written now without the pause
    await first;
    await new Promise((r) => setTimeout(r, 5));
    next.push(c.g.submit(3));
    expect(await Promise.all(next)).toEqual(["ok 2", "ok 3"]);
    expect(c.batches).toEqual([[1], [2, 3]]);
  });

  it("with a linger, a batch that fills while waiting between batches goes at once", async () => {
    const c = committer({ lingerMs: 60_000 });
    c.hold();
    const first = c.g.submit(1);
    c.g.flush(); // start [1] now rather than after a minute
    await new Promise((r) => setTimeout(r, 5));
    const next = [c.g.submit(2)];
    c.release();
    await first;
    next.push(c.g.submit(3), c.g.submit(4)); // maxBatch 3: full
    expect(await Promise.all(next)).toEqual(["ok 2", "ok 3", "ok 4"]);
    expect(c.batches).toEqual([[1], [2, 3, 4]]);
  });

  it("whenIdle does not pause between batches", async () => {
    const c = committer({ lingerMs: 60_000 });
    c.hold();
    const first = c.g.submit(1);
    c.g.flush();
    await new Promise((r) => setTimeout(r, 5));
    const second = c.g.submit(2);
    c.release();
    await c.g.whenIdle();
    expect(await Promise.all([first, second])).toEqual(["ok 1", "ok 2"]);
    expect(c.batches).toEqual([[1], [2]]);
  });

  it("flush starts a lingering batch at once, with what waited so far", async () => {
    const c = committer({ lingerMs: 60_000 });
    const first = c.g.submit(1);
    await new Promise((r) => setTimeout(r, 5));
    const second = c.g.submit(2);
    c.g.flush();
    expect(await Promise.all([first, second])).toEqual(["ok 1", "ok 2"]);
    expect(c.batches).toEqual([[1, 2]]);
  });

  it("flush with nothing lingering changes nothing", async () => {
    const c = committer();
    c.g.flush();
    expect(await c.g.submit(1)).toBe("ok 1");
    expect(c.batches).toEqual([[1]]);
  });

  it("whenIdle writes a lingering batch at once and resolves after it, and after batches behind it", async () => {
    const c = committer({ lingerMs: 60_000 });
    const done: number[] = [];
    for (const n of [1, 2, 3, 4]) void c.g.submit(n).then(() => done.push(n));
    await c.g.whenIdle();
    expect(c.batches).toEqual([[1, 2, 3], [4]]);
    expect(done.sort()).toEqual([1, 2, 3, 4]);
    await c.g.whenIdle();
  });
});
