import { type Database, deliveries, deliveryAttempts, platforms } from "@yunlian/db";
import { Queue } from "bullmq";
import { eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PREPARED_MAX_AGE_MS } from "../src/attempt/attempt.ts";
import {
  attemptDelivery,
  closeDeliveryContext,
  createDeliveryContext,
  type DeliverJobData,
  deliverJob,
  ingestReport,
  relayOnce,
  reportBody,
} from "../src/index.ts";
import {
  bindDevice,
  insertPlatform,
  openTestDb,
  servicesCheck,
  startTestReceiver,
  TEST_REDIS_URL,
  type TestDb,
  type TestReceiver,
  testKeyring,
  testUdeviceId,
  uniquePrefix,
} from "../src/testing/index.ts";
import { testConfig } from "./support/modes.ts";
import { partitionMoveRefusal } from "./support/refusals.ts";

const svc = await servicesCheck(true);
if (!svc.ok) console.warn(`prepared-attempt.test.ts ${svc.message}`);

// The relay hands a job's first run everything it needs to send (no claim); the record must then
// count the attempt, and a stale copy must never settle a row a second time.
describe.skipIf(!svc.ok)("prepared first attempt", () => {
  const keyring = testKeyring();
  let t: TestDb;
  let receiver: TestReceiver;
  let conn: Redis;
  let queue: Queue<DeliverJobData>;

  beforeAll(async () => {
    t = await openTestDb();
    receiver = await startTestReceiver();
    conn = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue<DeliverJobData>("prepared", { connection: conn, prefix: uniquePrefix("prep") });
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await conn?.quit();
    await receiver?.close();
    await t?.close();
  });

  /**
   * A report of a fresh device, bound through `receiving` and reported by `vendor`, ingested and
   * relayed once: its delivery id and the request the relay prepared for the job's first run.
   */
  async function relayedReport(o: {
    vendor: string;
    receiving: string;
    device: string;
    mode: string;
    requestId?: string;
  }) {
    const dev = testUdeviceId(o.device);
    await insertPlatform(t.db, keyring, { platId: o.vendor });
    const secret = await insertPlatform(t.db, keyring, { platId: o.receiving, dataGatewayUrl: receiver.url });
    await bindDevice(t.db, { platId: o.receiving, udeviceId: dev, vendorPlatId: o.vendor });
    const report = {
      udeviceId: dev,
      dataType: "attr" as const,
      deviceStatus: { mode: o.mode },
      timestamp: "1700000000000",
    };
    const { deliveryIds } = await ingestReport({
      db: t.db,
      vendorPlatId: o.vendor,
      report,
      ...(o.requestId ? { requestId: o.requestId } : {}),
    });
    const id = deliveryIds[0] ?? "";
    expect(await relayOnce({ db: t.db, queue, batchSize: 10, lookaheadMs: 0, addTimeoutMs: 5_000 })).toBe(1);
    const { prepared } = deliverJob.payload.parse((await queue.getJob(id))?.data);
    return { id, prepared, report, secret };
  }

  it("is counted by its record, signed, and a stale copy leaves the settled row alone", async () => {
    const { id, prepared, report, secret } = await relayedReport({
      vendor: "PV",
      receiving: "PA",
      device: "prep1",
      mode: "eco",
      requestId: "req-prep-1",
    });
    expect(prepared).toMatchObject({ attempt: 1, platId: "PA", url: receiver.url, requestId: "req-prep-1" });
    expect(prepared?.body).toBe(reportBody(report));

    const ctx = createDeliveryContext({ db: t.db, config: testConfig(), keyring });
    try {
      expect(await attemptDelivery(ctx, id, prepared)).toEqual({ kind: "delivered", attempt: 1 });
      const [row] = await t.db.select().from(deliveries).where(eq(deliveries.id, id));
      expect(row).toMatchObject({ status: "delivered", attempts: 1 });
      const [req] = receiver.requests;
      expect(req?.webhookId).toBe(id);
      expect(req?.headers["x-request-id"]).toBe("req-prep-1");
      expect(() =>
        new Webhook(secret).verify(req?.body ?? "", req?.headers as Record<string, string>),
      ).not.toThrow();

      // The same prepared attempt again (a duplicate job): the request happens and is recorded,
      // but the row, which no longer has attempt − 1 attempts, keeps its settled state.
      await attemptDelivery(ctx, id, prepared);
      const [after] = await t.db.select().from(deliveries).where(eq(deliveries.id, id));
      expect(after).toMatchObject({ status: "delivered", attempts: 1, deliveredAt: row?.deliveredAt });
      const records = await t.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, id));
      expect(records).toHaveLength(2);

      // Without a prepared request the claim path reads the row and finds nothing to do.
      expect(await attemptDelivery(ctx, id)).toEqual({ kind: "settled", status: "delivered" });
    } finally {
      await closeDeliveryContext(ctx);
    }
  });

  it("an old prepared request is not sent: the attempt claims the row and reads the platform afresh", async () => {
    const { id, prepared } = await relayedReport({
      vendor: "PV2",
      receiving: "PA2",
      device: "prep2",
      mode: "dry",
    });
    if (!prepared) throw new Error("the relay prepared no request");
    // As if the platform's URL had changed since: the old copy must not be used.
    const old = {
      ...prepared,
      url: "http://127.0.0.1:9/moved-away",
      preparedAt: prepared.preparedAt - PREPARED_MAX_AGE_MS - 1,
    };
    const ctx = createDeliveryContext({ db: t.db, config: testConfig(), keyring });
    try {
      expect(await attemptDelivery(ctx, id, old)).toEqual({ kind: "delivered", attempt: 1 });
      expect(receiver.byId.get(id)).toHaveLength(1);
    } finally {
      await closeDeliveryContext(ctx);
    }
  });

  it("a platform without a webhookSecret yet (a row from before it existed) gets nothing: never signed otherwise", async () => {
    const dev = testUdeviceId("prep3");
    await insertPlatform(t.db, keyring, { platId: "PV3" });
    await insertPlatform(t.db, keyring, { platId: "PA3", dataGatewayUrl: receiver.url });
    await t.db
      .update(platforms)
      .set({ webhookSecretCiphertext: null, webhookSecretKeyId: null })
      .where(eq(platforms.platId, "PA3"));
    await bindDevice(t.db, { platId: "PA3", udeviceId: dev, vendorPlatId: "PV3" });
    const report = { udeviceId: dev, dataType: "attr" as const, deviceStatus: { mode: "x" }, timestamp: "1" };
    const id = (await ingestReport({ db: t.db, vendorPlatId: "PV3", report })).deliveryIds[0] ?? "";
    const ctx = createDeliveryContext({ db: t.db, config: testConfig(), keyring });
    try {
      const outcome = await attemptDelivery(ctx, id);
      expect(outcome).toMatchObject({ kind: "postponed", reason: expect.stringMatching(/webhookSecret/) });
      expect(receiver.byId.get(id)).toBeUndefined();
      const [row] = await t.db.select().from(deliveries).where(eq(deliveries.id, id));
      expect(row).toMatchObject({ status: "pending", attempts: 0 });
      expect(row?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
    } finally {
      await closeDeliveryContext(ctx);
    }
  });
  it("a relay pass PostgreSQL refuses because a row moved partition (40001) runs again and queues its rows", async () => {
    const dev = testUdeviceId("prep40001");
    await insertPlatform(t.db, keyring, { platId: "PV4" });
    await insertPlatform(t.db, keyring, { platId: "PA4", dataGatewayUrl: receiver.url });
    await bindDevice(t.db, { platId: "PA4", udeviceId: dev, vendorPlatId: "PV4" });
    const { deliveryIds } = await ingestReport({
      db: t.db,
      vendorPlatId: "PV4",
      report: { udeviceId: dev, dataType: "attr", deviceStatus: { mode: "dry" }, timestamp: "1700000000000" },
    });
    const refusing = refusingOneTransaction(t.db);
    // Failing, the pass left a hinted batch to the scans, PREPARED_MAX_AGE_MS later.
    expect(
      await relayOnce({
        db: refusing.db,
        queue,
        ids: deliveryIds,
        batchSize: 10,
        lookaheadMs: 0,
        addTimeoutMs: 5_000,
      }),
    ).toBe(1);
    expect(refusing.refused()).toBe(true);
    expect(await queue.getJob(deliveryIds[0] ?? "")).toBeDefined();
  });
});

/**
 * `db` whose next transaction PostgreSQL refuses the way it refuses a statement that met a row a
 * concurrent commit moved to another partition (SQLSTATE 40001). Which statement meets such a row
 * depends on timing a test cannot control, so the refusal is made here, at the client.
 */
function refusingOneTransaction(db: Database): { db: Database; refused: () => boolean } {
  // postgres.js behind drizzle (the hub's services mode); the slice the relay's transaction uses.
  const client = (db as unknown as { $client: { begin(...args: unknown[]): Promise<unknown> } }).$client;
  let refused = false;
  const moved = partitionMoveRefusal();
  const begin = (...args: unknown[]) => {
    if (refused) return client.begin(...args);
    refused = true;
    return Promise.reject(moved);
  };
  // Everything else is the real client and database, through the prototype chain.
  const wrappedClient = Object.assign(Object.create(client) as object, { begin });
  return {
    db: Object.assign(Object.create(db) as Database, { $client: wrappedClient }),
    refused: () => refused,
  };
}
