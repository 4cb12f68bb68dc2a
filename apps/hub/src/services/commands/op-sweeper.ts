import type { Logger } from "pino";
import { deleteExpiredKeys } from "./idempotency.ts";
import { type OpsCtx, timeOutDevices } from "./op-tracking.ts";

/**
 * Expired Idempotency-Keys are deleted this often (every instance; deletes are idempotent): every
 * 10 minutes, or every quarter of a shorter HUB_RETENTION_OPS. Old ops are not deleted here: the
 * retention job drops their partitions (migration 0014).
 */
const cleanupEveryMs = (retentionMs: number) => Math.min(10 * 60 * 1000, Math.max(5_000, retentionMs / 4));

/**
 * Times out pending op devices past their deadline, settles their ops (metrics, opResult
 * deliveries), and now and then deletes expired Idempotency-Keys. Runs in
 * every hub instance: a device's transition is one conditional UPDATE, so it happens once whoever
 * runs it. Ticks every quarter of HUB_OP_CONFIRM_TIMEOUT (between 100 ms and 5 s).
 */
export function startOpSweeper(ctx: OpsCtx, log: Logger): { stop(): Promise<void> } {
  const everyMs = Math.min(5000, Math.max(100, Math.floor(ctx.confirmTimeoutMs / 4)));
  let lastCleanup = 0;
  let running: Promise<void> | undefined;
  const tick = async () => {
    try {
      await timeOutDevices(ctx);
      if (Date.now() - lastCleanup >= cleanupEveryMs(ctx.retentionMs)) {
        lastCleanup = Date.now();
        await deleteExpiredKeys(ctx);
      }
    } catch (err) {
      log.warn({ err }, "op sweep failed; trying again at the next tick");
    }
  };
  const timer = setInterval(() => {
    if (!running) running = tick().finally(() => (running = undefined));
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
