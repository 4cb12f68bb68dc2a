import { loadDeliverySettings } from "@yunlian/config";
import type { Database, DatabaseHandle, DeliveryStatus } from "@yunlian/db";
import { deliveries } from "@yunlian/db";
import { inArray } from "drizzle-orm";
import {
  type DeliveryConfig,
  type DeliveryHandoff,
  deliveryConfig,
  startInProcessDelivery,
  startQueueDelivery,
} from "../../src/index.ts";
import { TEST_REDIS_URL, testKeyring, uniquePrefix } from "../../src/testing/index.ts";

/** bullmq-handoff: BullMQ with ingest queuing its deliveries itself (the hub's way with REDIS_URL). */
export type Mode = "bullmq" | "bullmq-handoff" | "embedded";

/**
 * Short schedules so a whole retry history fits in a test, set the way a deployment sets them.
 * Receivers listen on loopback: private addresses allowed, as HUB_ALLOW_PRIVATE_URLS=1 does.
 */
export function testConfig(overrides: Partial<DeliveryConfig> = {}): DeliveryConfig {
  const settings = loadDeliverySettings({
    HUB_PLAT_ID: "YUNLIAN-HUB-TEST",
    HUB_ALLOW_PRIVATE_URLS: "1",
    HUB_DELIVERY_BACKOFF: "0s,100ms,200ms",
    HUB_DELIVERY_TIMEOUT_MS: "1000",
    HUB_DELIVERY_LEASE_MS: "3000",
  });
  return { ...deliveryConfig(settings), ...overrides };
}

export interface Runner {
  stop(): Promise<void>;
  /** For ingestReport: set in bullmq-handoff mode only. */
  handoff?: DeliveryHandoff;
}

/** Starts delivery in the given mode with fast polling; each call gets its own queue prefix. */
export async function startRunner(
  mode: Mode,
  handle: DatabaseHandle,
  config: DeliveryConfig,
  name: string,
  prefix = uniquePrefix(name),
): Promise<Runner> {
  if (mode === "embedded") {
    return startInProcessDelivery({
      db: handle.db,
      listener: handle,
      config,
      keyring: testKeyring(),
      pollIntervalMs: 50,
    });
  }
  const queued = await startQueueDelivery({
    db: handle.db,
    listener: handle,
    redisUrl: TEST_REDIS_URL,
    config,
    keyring: testKeyring(),
    prefix,
    relayIntervalMs: 100,
    lockDurationMs: Math.max(5_000, config.timeoutMs * 3),
    stalledIntervalMs: 2_000,
    sweepIntervalMs: 1_000,
    sweepGraceMs: 2_000,
  });
  return mode === "bullmq-handoff" ? { stop: queued.stop, handoff: queued.handoff } : queued;
}

/** Polls until every id has the wanted status. */
export async function waitForStatus(
  db: Database,
  ids: string[],
  status: DeliveryStatus,
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db
      .select({ id: deliveries.id, status: deliveries.status })
      .from(deliveries)
      .where(inArray(deliveries.id, ids));
    const done = rows.filter((r) => r.status === status).length;
    if (done === ids.length) return;
    if (Date.now() > end) {
      const counts: Record<string, number> = {};
      for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
      throw new Error(
        `waitForStatus(${status}): ${done}/${ids.length} after ${timeoutMs} ms (${JSON.stringify(counts)})`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
