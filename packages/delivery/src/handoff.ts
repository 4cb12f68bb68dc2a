import type { PreparedAttempt } from "./jobs.ts";

/** A new delivery's first attempt, ready to queue (see PreparedAttempt). */
export interface HandedDelivery {
  deliveryId: string;
  prepared: PreparedAttempt;
}

/**
 * Where the ingesting process queues the deliveries it has just committed (BullMQ mode), so they
 * need no relay pass: no NOTIFY, no read of the rows back. Best effort by contract: the outbox
 * rows are durable already, and the relay's scans queue any row a hand-off missed once it is older
 * than its hint window (5 s), which is also the age past which a prepared request is no longer
 * sent. That is why a late, timed-out add can never send a row the scan re-queued and settled:
 * both ages are measured from the row's creation time on the workers' clocks, so the hub's clock
 * does not enter (workers' clocks must agree to within the few milliseconds an attempt takes; if
 * they did not, the worst case is one repeated request with the same webhook-id, which receivers
 * drop as at-least-once delivery requires of them anyway).
 */
export interface DeliveryHandoff {
  /** Resolves true once every job is in the queue, false when they may not be (never rejects). */
  hand(deliveries: readonly HandedDelivery[]): Promise<boolean>;
}
