import { z } from "zod";
import { duration } from "./fields.ts";

/**
 * Reconciliation (docs/operations.md, docs/adr/0011): how hard the hub may poll each vendor for
 * the state of bound devices and the device lists of its users, to notice reports that went missing.
 */
export const reconcileEnv = {
  /** Calls per minute per vendor, over every reconciling process (hub or worker) together; 0 = off. */
  HUB_RECONCILE_RATE: z.coerce
    .number({ error: "must be a whole number of calls per minute (0 = off)" })
    .int("must be a whole number of calls per minute (0 = off)")
    .min(0, "must be a whole number of calls per minute (0 = off)")
    .default(60),
  /** Each device (and each user's device list at a vendor) is polled at most once per this. */
  HUB_RECONCILE_INTERVAL: duration.prefault("1h"),
  /** How often a process looks for due work; each look spends at most its share of the rate. */
  HUB_RECONCILE_TICK: duration.prefault("1s"),
};

const reconcileSchema = z.object(reconcileEnv);
type ReconcileEnv = z.output<typeof reconcileSchema>;

/** The reconciler's settings, from parsed variables. */
export function reconcileSettings(e: ReconcileEnv) {
  return {
    ratePerMinute: e.HUB_RECONCILE_RATE,
    intervalMs: e.HUB_RECONCILE_INTERVAL,
    tickMs: e.HUB_RECONCILE_TICK,
  };
}

export type ReconcileSettings = ReturnType<typeof reconcileSettings>;
