import type { DatabaseHandle } from "../types.ts";
import { DAY_MS, listPartitions, startOfInterval, uncovered } from "./partitions.ts";
import { type RetentionOptions, runRetention } from "./run.ts";
import { PARTITIONED_TABLES } from "./tables.ts";

export interface RetentionScheduleOptions extends Omit<RetentionOptions, "now"> {
  /** Time between runs (HUB_RETENTION_INTERVAL); the first run starts at once. */
  intervalMs: number;
}

/**
 * Partitions kept ahead: 3, or more where runs are further apart than partitions are long, so
 * that two missed runs in a row still find the current partition made (5m partitions with a run
 * every hour: 24 ahead).
 */
export function partitionsAheadFor(intervalMs: number, partitionMs: number): number {
  return Math.max(3, Math.ceil((2 * intervalMs) / partitionMs));
}

export interface RetentionSchedule {
  /**
   * Settles once every partitioned table has a partition for the current interval: at once when
   * they had one already (every start but the first), else when the first run is over (it never
   * rejects: a failed run is logged). A process that writes partitioned tables waits for it before
   * it takes traffic: on a fresh database a row routed to the DEFAULT partition while the first
   * run attaches the partition it belongs to is refused by PostgreSQL ("violates partition
   * constraint"), where after the run it goes straight to its own partition.
   */
  firstRun: Promise<void>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs the retention job now and then every `intervalMs` (apps/worker, and the hub, which also
 * covers embedded mode where no worker runs). Every process may run it: the advisory lock lets one
 * at a time work, and a run that fails (a lock timeout, say) is logged and tried again next time.
 */
export function startRetention(handle: DatabaseHandle, opts: RetentionScheduleOptions): RetentionSchedule {
  let current: Promise<void> = Promise.resolve();
  let stopped = false;
  const partitionsAhead =
    opts.partitionsAhead ?? partitionsAheadFor(opts.intervalMs, opts.partitionMs ?? DAY_MS);
  const tick = () => {
    if (stopped) return;
    current = runRetention(handle, { ...opts, partitionsAhead }).then(
      () => undefined,
      (err: unknown) =>
        opts.log?.warn({ err: String(err) }, "retention: run failed (tried again at the next interval)"),
    );
  };
  // The check before the first run: on PGlite (one session) it would otherwise wait for the run.
  const firstRun = currentIntervalCovered(handle, opts.partitionMs ?? DAY_MS).then(
    (covered) => {
      tick();
      return covered ? undefined : current;
    },
    () => {
      tick();
      return current;
    },
  );
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  return {
    firstRun,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await firstRun;
      await current;
    },
  };
}

/** Whether every partitioned table has a partition (not DEFAULT) for the interval holding now. */
async function currentIntervalCovered(handle: DatabaseHandle, partitionMs: number): Promise<boolean> {
  const from = startOfInterval(Date.now(), partitionMs);
  return handle.withConnection(async (query) => {
    for (const spec of PARTITIONED_TABLES) {
      if (uncovered(from, from + partitionMs, await listPartitions(query, spec.table)).length > 0)
        return false;
    }
    return true;
  });
}
