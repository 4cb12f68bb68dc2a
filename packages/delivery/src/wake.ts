/** Postgres NOTIFY channel the relay (BullMQ mode) and the in-process runner listen on. */
export const DELIVERY_CHANNEL = "yunlian_deliveries";

/** Anything that can NOTIFY; `DatabaseHandle` from @yunlian/db fits. */
export interface DeliveryNotifier {
  notify(channel: string, payload: string): Promise<void>;
}

/** Anything that can LISTEN; `DatabaseHandle` from @yunlian/db fits. */
export interface DeliveryListener {
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
}

/** Best effort: a lost wake-up only costs latency, because relay and runner also poll. */
export async function wakeDelivery(notifier: DeliveryNotifier | undefined, payload = ""): Promise<void> {
  if (!notifier) return;
  try {
    await notifier.notify(DELIVERY_CHANNEL, payload);
  } catch {
    // Deliberately ignored: the outbox row is committed and polling will find it.
  }
}
