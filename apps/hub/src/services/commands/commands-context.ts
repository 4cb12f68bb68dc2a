import type { IdempotencyCtx } from "./idempotency.ts";
import type { OpsCtx } from "./op-tracking.ts";

/** What commands an app can follow use: Idempotency-Key, and op tracking unless HUB_OP_TRACKING=off. */
export interface CommandsCtx {
  idempotency: IdempotencyCtx;
  ops?: OpsCtx;
}
