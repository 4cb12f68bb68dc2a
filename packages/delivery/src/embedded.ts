import type { Database } from "@yunlian/db";
import { deliveries, deliveryIsOpen } from "@yunlian/db";
import type { Keyring } from "@yunlian/secrets";
import { and, asc, lte, notInArray } from "drizzle-orm";
import { attemptDelivery } from "./attempt/attempt.ts";
import { closeDeliveryContext, createDeliveryContext, type DeliveryObserver } from "./attempt/context.ts";
import type { DeliveryConfig } from "./config.ts";
import type { EndpointGates } from "./endpoint-gate.ts";
import { type DeliveryLogger, silentLogger } from "./logger.ts";
import { Loop } from "./loop.ts";
import { DELIVERY_CHANNEL, type DeliveryListener } from "./wake.ts";

export interface InProcessDeliveryOptions {
  db: Database;
  /** LISTENs for ingest wake-ups (the DatabaseHandle fits); without it the runner only polls. */
  listener?: DeliveryListener;
  config: DeliveryConfig;
  keyring: Keyring;
  log?: DeliveryLogger;
  /** Attempts in flight at once. */
  concurrency?: number;
  pollIntervalMs?: number;
  observer?: DeliveryObserver;
}

export interface InProcessDelivery {
  /** Graceful: stop picking rows, let in-flight attempts finish. Unfinished rows stay in the outbox. */
  stop(): Promise<void>;
  kick(): void;
  /** Breaker state of every endpoint this process delivers to. */
  breakers(): ReturnType<EndpointGates["snapshot"]>;
}

/**
 * Embedded mode (no REDIS_URL): the outbox table is the queue. Due rows are polled (and picked up
 * at once on NOTIFY), and attempted with the same code as the BullMQ worker, so schedule, records
 * and dead state are identical; since all state is in the rows, a restart simply resumes.
 */
export async function startInProcessDelivery(opts: InProcessDeliveryOptions): Promise<InProcessDelivery> {
  const log = opts.log ?? silentLogger;
  const ctx = createDeliveryContext({
    db: opts.db,
    config: opts.config,
    keyring: opts.keyring,
    log,
    observer: opts.observer,
  });
  const concurrency = opts.concurrency ?? 16;
  const inFlight = new Map<string, Promise<void>>();

  const loop = new Loop(
    async () => {
      const free = concurrency - inFlight.size;
      if (free <= 0) return false;
      const busy = [...inFlight.keys()];
      const rows = await opts.db
        .select({ id: deliveries.id })
        .from(deliveries)
        .where(
          and(
            deliveryIsOpen,
            lte(deliveries.nextAttemptAt, new Date()),
            busy.length > 0 ? notInArray(deliveries.id, busy) : undefined,
          ),
        )
        .orderBy(asc(deliveries.nextAttemptAt))
        .limit(free);
      for (const { id } of rows) {
        const p = attemptDelivery(ctx, id)
          .then(
            () => undefined,
            (err: unknown) => log.error({ deliveryId: id, err: String(err) }, "delivery attempt failed"),
          )
          .finally(() => {
            inFlight.delete(id);
            loop.kick(); // a slot is free: look for more due rows
          });
        inFlight.set(id, p);
      }
      return false;
    },
    opts.pollIntervalMs ?? 500,
    (err) => log.warn({ err: String(err) }, "in-process delivery poll failed"),
  );

  const unlisten = opts.listener
    ? await opts.listener.listen(DELIVERY_CHANNEL, () => loop.kick())
    : undefined;
  loop.start();

  let stopping: Promise<void> | undefined;
  return {
    kick: () => loop.kick(),
    breakers: () => ctx.gates.snapshot(),
    stop() {
      stopping ??= (async () => {
        await unlisten?.().catch(() => undefined);
        await loop.stop();
        await Promise.all(inFlight.values());
        await closeDeliveryContext(ctx);
      })();
      return stopping;
    },
  };
}
