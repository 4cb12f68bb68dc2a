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

/** NOTIFY payloads stay far below PostgreSQL's 8,000-byte limit: up to this many ids each. */
const MAX_IDS_PER_WAKE = 200;
const DELIVERY_ID = /^msg_[0-9a-z]+$/;

/** Wake-up payloads naming new outbox rows: one per 200 ids. */
export function idsPayloads(ids: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_WAKE)
    out.push(ids.slice(i, i + MAX_IDS_PER_WAKE).join(","));
  return out;
}

/**
 * The delivery ids a wake-up names; undefined for an empty or unreadable payload (any other
 * NOTIFY on the channel), which means "look at the whole outbox".
 */
export function idsOfPayload(payload: string): string[] | undefined {
  if (payload === "") return undefined;
  const ids = payload.split(",");
  if (ids.length > MAX_IDS_PER_WAKE || !ids.every((id) => DELIVERY_ID.test(id))) return undefined;
  return ids;
}
