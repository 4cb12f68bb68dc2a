import pMap from "p-map";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { describeVendorError } from "../vendor/fan-out.ts";
import { claimAccount, claimDevice, countPoll, returnCall, takeCall } from "./claims.ts";
import { pollAccount } from "./poll-account.ts";
import { pollDevice } from "./poll-device.ts";
import type { ReconcileCtx } from "./reconcile-context.ts";

export interface Reconciler {
  /** One pass over every vendor (what the timer runs each HUB_RECONCILE_TICK); tests pass the clock. */
  runOnce(now?: Date): Promise<ReconcilePass>;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/** What one pass did, per kind of call (for tests and logs). */
interface ReconcilePass {
  devices: number;
  accounts: number;
  drift: number;
}

/**
 * A vendor with nothing due is not looked at again by this process for this long (per the pass's
 * clock): an idle hub costs a few statements per vendor a minute, not per tick. A new binding
 * waits at most this long for its first poll.
 */
const IDLE_MS = 60_000;

/**
 * How many vendors one process polls at once. Each holds at most one database connection at a
 * time (of the process's pool, which serves the API or deliveries too) and one vendor call in
 * flight: it takes this many vendors not answering at once to hold up the rest.
 */
const VENDORS_AT_ONCE = 4;

/**
 * Starts reconciliation in this process (docs/adr/0011): every HUB_RECONCILE_TICK, for each vendor,
 * it spends at most its tick's share of HUB_RECONCILE_RATE (and never more than what is left of the
 * vendor's minute window, shared with every other process) on due work — first users' device lists,
 * then devices, oldest shadow first — each polled at most once per HUB_RECONCILE_INTERVAL. Off when
 * the rate is 0. The first pass runs one tick after start.
 */
export function startReconciler(ctx: ReconcileCtx, opts: { timer?: boolean } = {}): Reconciler {
  let current: Promise<unknown> = Promise.resolve();
  let stopped = false;
  let running = false;
  /** Per vendor: the pass time before which this process does not look for its work again. */
  const idleUntil = new Map<string, number>();
  const runOnce = async (now = ctx.now()): Promise<ReconcilePass> => {
    const pass: ReconcilePass = { devices: 0, accounts: 0, drift: 0 };
    if (ctx.settings.ratePerMinute === 0 || running) return pass;
    running = true;
    try {
      const due = ctx.registry
        .all()
        .filter(
          (v) =>
            v.apiBaseUrl && v.manufacturerCodes.length > 0 && (idleUntil.get(v.platId) ?? 0) <= now.getTime(),
        );
      // Vendors side by side: a cloud that takes its whole timeout to answer delays its own polls,
      // not every other vendor's. A failing vendor does not stop the others; the pass then fails.
      await pMap(
        due,
        async (vendor) => {
          if (stopped) return;
          if ((await reconcileVendor(ctx, vendor, now, pass)) === "idle") {
            idleUntil.set(vendor.platId, now.getTime() + Math.min(IDLE_MS, ctx.settings.intervalMs));
          } else idleUntil.delete(vendor.platId);
        },
        { concurrency: VENDORS_AT_ONCE, stopOnError: false },
      );
      return pass;
    } finally {
      running = false;
    }
  };
  const timer =
    opts.timer === false || ctx.settings.ratePerMinute === 0
      ? undefined
      : setInterval(() => {
          if (stopped || running) return;
          current = runOnce().catch((err: unknown) =>
            ctx.log.warn(
              // Several vendors may have failed in one pass (p-map's AggregateError): each is named.
              { err: err instanceof AggregateError ? err.errors.map(String) : String(err) },
              "reconcile: pass failed (tried again next tick)",
            ),
          );
        }, ctx.settings.tickMs);
  timer?.unref();
  return {
    runOnce: (now) => {
      const run = runOnce(now);
      current = run.catch(() => undefined);
      return run;
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await current;
    },
  };
}

/**
 * One vendor's share of a pass: as many calls as the tick's share and the shared window allow.
 * "idle" when it ran out of due work; "busy" otherwise, including when other processes kept
 * claiming the due work first (they are polling it; this process looks again next tick).
 */
async function reconcileVendor(
  ctx: ReconcileCtx,
  vendor: PlatformRecord,
  now: Date,
  pass: ReconcilePass,
): Promise<"idle" | "busy"> {
  const { ratePerMinute, tickMs, intervalMs } = ctx.settings;
  const perTick = Math.max(1, Math.ceil((ratePerMinute * tickMs) / 60_000));
  const cutoff = new Date(now.getTime() - intervalMs);
  const accounts = { due: true };
  for (let calls = 0; calls < perTick; calls++) {
    if (!(await takeCall(ctx.db, vendor.platId, ratePerMinute, now))) return "busy";
    const work = await claimNext(ctx, vendor.platId, now, cutoff, accounts);
    if (work === "none" || work === "contended") {
      await returnCall(ctx.db, vendor.platId, now);
      return work === "none" ? "idle" : "busy";
    }
    if (work.kind === "account") {
      pass.accounts++;
      await guarded(ctx, vendor, "account", now, () => pollAccount(ctx, vendor, work.userId, now));
    } else {
      pass.devices++;
      const found = await guarded(ctx, vendor, "device", now, () => pollDevice(ctx, vendor, work.udeviceId));
      if (found === "drift") {
        pass.drift++;
        ctx.metrics.driftTotal.inc({ vendor: vendor.platId });
        ctx.log.info(
          { vendor: vendor.platId, udeviceId: work.udeviceId },
          "reconcile: device state drifted from the shadow",
        );
      }
    }
  }
  return "busy";
}

/** Claims lost to other processes in a row before a pass leaves the vendor to them until next tick. */
const MAX_LOST_CLAIMS = 5;

type Work = { kind: "account"; userId: string } | { kind: "device"; udeviceId: string };

/**
 * The next due work of the vendor, claimed: users' device lists first, then devices. A claim lost
 * to another process (both chose the same item at once) is made again, and finds the next due item:
 * losing a race must not read as "nothing due", or every process but the fastest would go idle
 * for a minute while work is waiting (docs/adr/0011).
 */
async function claimNext(
  ctx: ReconcileCtx,
  vendorPlatId: string,
  now: Date,
  cutoff: Date,
  accounts: { due: boolean },
): Promise<Work | "none" | "contended"> {
  for (let lost = 0; lost < MAX_LOST_CLAIMS; lost++) {
    if (accounts.due) {
      const claim = await claimAccount(ctx.db, vendorPlatId, now, cutoff);
      if (claim.id !== undefined) return { kind: "account", userId: claim.id };
      if (claim.lost) continue;
      accounts.due = false;
    }
    const claim = await claimDevice(ctx.db, vendorPlatId, now, cutoff);
    if (claim.id !== undefined) return { kind: "device", udeviceId: claim.id };
    if (!claim.lost) return "none";
  }
  return "contended";
}

/**
 * One reconciliation call: counted by outcome (and, as every call to a vendor, in
 * yunlian_vendor_calls_total and its latency histogram under the operation's name; the time
 * includes the few statements around the call), its failure
 * logged (the device or account waits for its next interval, as a vendor that is down should not
 * be asked again at once).
 */
async function guarded<T>(
  ctx: ReconcileCtx,
  vendor: PlatformRecord,
  kind: "device" | "account",
  now: Date,
  call: () => Promise<T>,
): Promise<T | undefined> {
  const operation = kind === "device" ? "deviceStatus" : "listDevices";
  const start = performance.now();
  const timed = (outcome: string) => {
    ctx.metrics.vendorCalls.inc([vendor.platId, operation, outcome]);
    ctx.metrics.vendorDuration.observe([vendor.platId, operation], (performance.now() - start) / 1000);
    ctx.metrics.reconcilePolls.inc({
      vendor: vendor.platId,
      kind,
      outcome: outcome === "ok" ? "ok" : "failed",
    });
  };
  try {
    const value = await call();
    timed("ok");
    await countPoll(ctx.db, vendor.platId, value === "drift", now);
    return value;
  } catch (err) {
    const { retCode, info } = describeVendorError(vendor, err, ctx.log);
    timed(retCode);
    ctx.log.warn({ vendor: vendor.platId, kind }, `reconcile: ${info}`);
    return undefined;
  }
}
