import { deliveries } from "@yunlian/db";
import { Queue } from "bullmq";
import { eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PREPARED_MAX_AGE_MS } from "../src/attempt/attempt.ts";
import {
  type DeliverJobData,
  type DeliveryHandoff,
  type DeliveryNotifier,
  deliverJob,
  type HandedDelivery,
  ingestReport,
  openQueueHandoff,
  QueueHandoff,
  relayOnce,
} from "../src/index.ts";
import {
  bindDevice,
  freePort,
  insertPlatform,
  openTestDb,
  servicesCheck,
  TEST_REDIS_URL,
  type TestDb,
  testKeyring,
  testUdeviceId,
  uniquePrefix,
} from "../src/testing/index.ts";

const svc = await servicesCheck(true);
if (!svc.ok) console.warn(`handoff.test.ts ${svc.message}`);

/** A hand-off that keeps what it is given and answers as told (the queue side is tested below). */
class RecordingHandoff implements DeliveryHandoff {
  handed: HandedDelivery[][] = [];
  constructor(private readonly answer: boolean) {}
  async hand(deliveries: readonly HandedDelivery[]): Promise<boolean> {
    this.handed.push([...deliveries]);
    return this.answer;
  }
}

class RecordingNotifier implements DeliveryNotifier {
  payloads: string[] = [];
  async notify(_channel: string, payload: string): Promise<void> {
    this.payloads.push(payload);
  }
}

/** Lets the post-commit hooks (not awaited by ingestReport) run. */
const settle = () => new Promise((r) => setTimeout(r, 20));

// With REDIS_URL the ingesting process queues its new deliveries itself: no NOTIFY, no relay read.
describe.skipIf(!svc.ok)("ingest hand-off to the queue", () => {
  const keyring = testKeyring();
  let t: TestDb;
  let conn: Redis;
  let queue: Queue<DeliverJobData>;
  let seq = 0;

  beforeAll(async () => {
    t = await openTestDb();
    conn = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue<DeliverJobData>("handoff", { connection: conn, prefix: uniquePrefix("handoff") });
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await conn?.quit();
    await t?.close();
  });

  /** A vendor, two receiving platforms (one with a previous secret in its grace period), one device. */
  async function twoReceivers() {
    seq += 1;
    const vendor = `HV${seq}`;
    const dev = testUdeviceId(`hand${seq}`);
    await insertPlatform(t.db, keyring, { platId: vendor });
    for (const [platId, previous] of [
      [`HA${seq}`, false],
      [`HB${seq}`, true],
    ] as const) {
      await insertPlatform(t.db, keyring, {
        platId,
        dataGatewayUrl: `https://${platId.toLowerCase()}.example/v1/dataservices/dataGateway`,
        ...(previous
          ? {
              previousWebhookSecret: {
                secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                expiresAt: new Date(Date.now() + 60_000),
              },
            }
          : {}),
      });
      await bindDevice(t.db, { platId, udeviceId: dev, vendorPlatId: vendor });
    }
    return { vendor, dev };
  }

  /** What ingest hands off for one report to twoReceivers(), captured (not queued). */
  async function handedDeliveries(opts: { firstDelayMs?: number } = {}): Promise<HandedDelivery[]> {
    const { vendor, dev } = await twoReceivers();
    const recorded = new RecordingHandoff(true);
    await ingestReport({
      db: t.db,
      vendorPlatId: vendor,
      handoff: recorded,
      ...opts,
      report: {
        udeviceId: dev,
        dataType: "alarm",
        deviceStatus: { fault: "E1" },
        timestamp: "1700000000002",
      },
    });
    await settle();
    return recorded.handed[0] ?? [];
  }

  it("hands each new delivery the first attempt the relay would have prepared, and sends no NOTIFY", async () => {
    const { vendor, dev } = await twoReceivers();
    const handoff = new RecordingHandoff(true);
    const notifier = new RecordingNotifier();
    const receivedAt = new Date(Date.now() - 1_000);
    const { deliveryIds } = await ingestReport({
      db: t.db,
      vendorPlatId: vendor,
      notifier,
      handoff,
      now: receivedAt,
      requestId: "req-hand-1",
      report: {
        udeviceId: dev,
        dataType: "attr",
        deviceStatus: { mode: "eco", onLine: "True" },
        timestamp: "1700000000000",
      },
    });
    await settle();
    expect(notifier.payloads).toEqual([]);
    expect(handoff.handed).toHaveLength(1);
    const handed = handoff.handed[0] ?? [];
    expect(handed.map((h) => h.deliveryId).sort()).toEqual([...deliveryIds].sort());

    // What the relay prepares from the stored rows, field by field (the body as JSON: the stored
    // jsonb orders keys its own way).
    expect(await relayOnce({ db: t.db, queue, batchSize: 10, lookaheadMs: 0, addTimeoutMs: 5_000 })).toBe(2);
    for (const h of handed) {
      const { prepared: relayed } = deliverJob.payload.parse((await queue.getJob(h.deliveryId))?.data);
      if (!relayed) throw new Error("the relay prepared no request");
      const { body, preparedAt, ...rest } = h.prepared;
      const { body: relayedBody, preparedAt: _relayedAt, ...relayedRest } = relayed;
      expect(rest).toEqual(relayedRest);
      expect(JSON.parse(body)).toEqual(JSON.parse(relayedBody));
      // Aged from the row's creation, as the relay's scans measure rows.
      expect(preparedAt).toBe(receivedAt.getTime());
    }
    expect(handed.map((h) => h.prepared.secrets.length).sort()).toEqual([1, 2]);
    expect(handed.every((h) => h.prepared.requestId === "req-hand-1" && h.prepared.attempt === 1)).toBe(true);
  });

  it("a failed hand-off sends no NOTIFY: the row waits for a scan, which leaves it alone until it is old enough", async () => {
    const { vendor, dev } = await twoReceivers();
    const notifier = new RecordingNotifier();
    const report = {
      udeviceId: dev,
      dataType: "attr" as const,
      deviceStatus: { mode: "dry" },
      timestamp: "1700000000001",
    };
    const young = await ingestReport({
      db: t.db,
      vendorPlatId: vendor,
      notifier,
      handoff: new RecordingHandoff(false),
      report,
    });
    const old = await ingestReport({
      db: t.db,
      vendorPlatId: vendor,
      notifier,
      handoff: new RecordingHandoff(false),
      report,
      now: new Date(Date.now() - PREPARED_MAX_AGE_MS - 1_000),
    });
    await settle();
    expect(notifier.payloads).toEqual([]);
    const scan = () =>
      relayOnce({
        db: t.db,
        queue,
        batchSize: 100,
        lookaheadMs: 0,
        addTimeoutMs: 5_000,
        hintedMs: PREPARED_MAX_AGE_MS,
      });
    // Only the old report's two rows: the young ones are still left to their hand-off.
    expect(await scan()).toBe(2);
    for (const id of old.deliveryIds) expect(await queue.getJob(id)).toBeDefined();
    for (const id of young.deliveryIds) {
      expect(await queue.getJob(id)).toBeUndefined();
      const [row] = await t.db.select().from(deliveries).where(eq(deliveries.id, id));
      expect(row).toMatchObject({ status: "pending", attempts: 0, enqueuedAt: null });
    }
  });

  it("QueueHandoff adds one job per delivery id, delayed until due; handing the same rows again adds nothing", async () => {
    const handed = await handedDeliveries({ firstDelayMs: 60_000 });
    expect(handed).toHaveLength(2);
    const real = new QueueHandoff(queue);
    expect(await real.hand(handed)).toBe(true);
    expect(await real.hand(handed)).toBe(true);
    for (const h of handed) {
      const job = await queue.getJob(h.deliveryId);
      expect(job?.data).toEqual({ deliveryId: h.deliveryId, prepared: h.prepared });
      expect(await job?.isDelayed()).toBe(true);
      // ±20% jitter around the first entry of the schedule
      expect(job?.opts.delay).toBeGreaterThan(40_000);
    }
    const delayed = await queue.getDelayed();
    expect(delayed.filter((j) => handed.some((h) => h.deliveryId === j.id))).toHaveLength(2);
  });

  it("with Redis unreachable a hand-off answers false at once instead of buffering", async () => {
    const port = await freePort();
    const observed: { deliveries: number; queued: boolean }[] = [];
    const opened = openQueueHandoff({
      redisUrl: `redis://127.0.0.1:${port}`,
      prefix: uniquePrefix("nowhere"),
      observer: { handoff: (info) => observed.push(info) },
    });
    try {
      const handed = await handedDeliveries();
      const started = Date.now();
      expect(await opened.handoff.hand(handed)).toBe(false);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(observed).toEqual([{ deliveries: 2, queued: false }]);
    } finally {
      await opened.close();
    }
  });
});
