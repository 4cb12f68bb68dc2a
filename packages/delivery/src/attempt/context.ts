import type { Database } from "@yunlian/db";
import type { Keyring } from "@yunlian/secrets";
import type { DeliveryConfig } from "../config.ts";
import { EndpointGates } from "../endpoint-gate.ts";
import { type DeliveryLogger, silentLogger } from "../logger.ts";
import { DeliveryHttp } from "./http.ts";

/** Told about every attempt's outcome (metrics); must not throw. */
export interface DeliveryObserver {
  attempt(info: {
    platId: string;
    outcome: "delivered" | "retry" | "dead" | "postponed";
    durationMs?: number;
  }): void;
  /** New deliveries this process handed to the queue after ingest, or failed to (see DeliveryHandoff). */
  handoff?(info: { deliveries: number; queued: boolean }): void;
}

/** What an attempt needs; one per worker process (the gates hold that process's breaker state). */
export interface DeliveryContext {
  observer?: DeliveryObserver;
  db: Database;
  config: DeliveryConfig;
  keyring: Keyring;
  http: DeliveryHttp;
  gates: EndpointGates;
  /**
   * Platforms whose dataGateway answered 410 in this process: a prepared attempt (read before
   * that) to one of them takes the claiming path, which reads the platform's current state.
   */
  gone: Set<string>;
  log: DeliveryLogger;
  now(): number;
}

export function createDeliveryContext(opts: {
  db: Database;
  config: DeliveryConfig;
  keyring: Keyring;
  log?: DeliveryLogger;
  now?: () => number;
  observer?: DeliveryObserver;
}): DeliveryContext {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? silentLogger;
  return {
    observer: opts.observer,
    db: opts.db,
    config: opts.config,
    keyring: opts.keyring,
    log,
    now,
    gone: new Set(),
    http: new DeliveryHttp({
      connectionsPerOrigin: opts.config.endpointConcurrency,
      timeoutMs: opts.config.timeoutMs,
      blockPrivateAddresses: opts.config.blockPrivateAddresses,
    }),
    gates: new EndpointGates(
      {
        breaker: opts.config.breaker,
        concurrency: opts.config.endpointConcurrency,
        slotWaitMs: opts.config.slotWaitMs,
        // An operator asks "why are a partner's deliveries waiting?": the breaker's moves say.
        onBreakerChange: (endpoint, change) => {
          if (change.to === "open") log.warn({ endpoint, ...change }, "delivery breaker opened");
          else log.info({ endpoint, ...change }, "delivery breaker closed");
        },
      },
      now,
    ),
  };
}

export async function closeDeliveryContext(ctx: DeliveryContext): Promise<void> {
  await ctx.http.close();
}
