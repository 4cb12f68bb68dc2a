import { deliveries, deliveryAttempts, platforms } from "@yunlian/db";
import { asc, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeliveryHandoff, getDelivery, ingestReport, replayDelivery } from "../src/index.ts";
import {
  answerOk,
  bindDevice,
  insertPlatform,
  openTestDb,
  servicesCheck,
  startTestReceiver,
  type TestDb,
  type TestReceiver,
  testKeyring,
  testUdeviceId,
} from "../src/testing/index.ts";
import { type Mode, type Runner, startRunner, testConfig, waitForStatus } from "./support/modes.ts";

const svc = await servicesCheck(true);
if (!svc.ok) console.warn(`delivery.reliability.test.ts ${svc.message}`);

const keyring = testKeyring();
let seq = 0;

/** A vendor, one receiving platform on `receiver`, and a device bound to it. */
async function scenario(
  t: TestDb,
  receiver: TestReceiver,
  extra: { previousWebhookSecret?: string; handoff?: DeliveryHandoff } = {},
) {
  seq += 1;
  const vendor = `V${seq}`;
  const app = `APP${seq}`;
  const dev = testUdeviceId(`rel${seq}`);
  await insertPlatform(t.db, keyring, { platId: vendor });
  const secret = await insertPlatform(t.db, keyring, {
    platId: app,
    dataGatewayUrl: receiver.url,
    ...(extra.previousWebhookSecret
      ? {
          previousWebhookSecret: {
            secret: extra.previousWebhookSecret,
            expiresAt: new Date(Date.now() + 3_600_000),
          },
        }
      : {}),
  });
  await bindDevice(t.db, { platId: app, udeviceId: dev, vendorPlatId: vendor });
  const ingest = async (status: Record<string, string> = { onOffStatus: "1" }) =>
    ingestReport({
      db: t.db,
      vendorPlatId: vendor,
      notifier: t.handle,
      ...(extra.handoff ? { handoff: extra.handoff } : {}),
      report: { udeviceId: dev, dataType: "attr", deviceStatus: status, timestamp: String(Date.now()) },
    });
  return { vendor, app, dev, secret, ingest };
}

const failThen =
  (failures: number, status = 500): Parameters<TestReceiver["setBehaviour"]>[0] =>
  (_req, n) =>
    n <= failures
      ? { status, body: { RetCode: "500", RetInfo: "busy" } }
      : { status: 200, body: { RetCode: "200" } };

describe.skipIf(!svc.ok).each<Mode>(["bullmq", "bullmq-handoff", "embedded"])(
  "delivery reliability (%s mode)",
  (mode) => {
    let t: TestDb;
    let runner: Runner;
    const receivers: TestReceiver[] = [];
    const receiver = async (b = answerOk) => {
      const r = await startTestReceiver(b);
      receivers.push(r);
      return r;
    };
    /** The scenario, ingesting the way this mode does (with the runner's hand-off, if any). */
    const scene = (rec: TestReceiver, extra: { previousWebhookSecret?: string } = {}) =>
      scenario(t, rec, { ...extra, ...(runner.handoff ? { handoff: runner.handoff } : {}) });

    beforeAll(async () => {
      t = await openTestDb();
      runner = await startRunner(
        mode,
        t.handle,
        testConfig({ breaker: { failureThreshold: 3, cooldownMs: 1_500, maxCooldownMs: 5_000 } }),
        `rel-${mode}`,
      );
    });
    afterAll(async () => {
      await runner?.stop();
      await Promise.all(receivers.map((r) => r.close()));
      await t?.close();
    });

    it("500 twice then 200: delivered on the third attempt, one webhook-id, every signature valid", async () => {
      const rec = await receiver(failThen(2));
      const s = await scene(rec);
      const { deliveryIds } = await s.ingest({ onOffStatus: "1", mode: "eco" });
      const id = deliveryIds[0] ?? "";
      await waitForStatus(t.db, [id], "delivered", 10_000);

      expect(rec.requests).toHaveLength(3);
      const wh = new Webhook(s.secret);
      for (const r of rec.requests) {
        expect(r.webhookId).toBe(id);
        expect(r.headers.platid).toBe("YUNLIAN-HUB-TEST");
        expect(r.headers["content-type"]).toBe("application/json;charset=UTF-8");
        const headers = {
          "webhook-id": String(r.headers["webhook-id"]),
          "webhook-timestamp": String(r.headers["webhook-timestamp"]),
          "webhook-signature": String(r.headers["webhook-signature"]),
        };
        expect(() => wh.verify(r.body, headers)).not.toThrow();
        expect(JSON.parse(r.body)).toEqual({
          DeviceID: s.dev,
          DataType: "attr",
          DeviceStatus: { onOffStatus: "1", mode: "eco" },
          TimeStamp: expect.stringMatching(/^\d+$/),
        });
      }
      // Fresh signature each attempt (timestamps may repeat within a second, signatures then too).
      const detail = await getDelivery({ db: t.db, id });
      expect(detail?.delivery.attempts).toBe(3);
      expect(detail?.delivery.deliveredAt).toBeInstanceOf(Date);
      expect(detail?.attempts.map((a) => [a.attempt, a.httpStatus, a.retCode])).toEqual([
        [1, 500, "500"],
        [2, 500, "500"],
        [3, 200, "200"],
      ]);
      expect(detail?.attempts[0]?.error).toBe("HTTP 500");
      // Retries follow the schedule: ≥ 100 ms − 20 % jitter between attempts 1 and 2.
      const [a, b] = rec.requests;
      expect((b?.at ?? 0) - (a?.at ?? 0)).toBeGreaterThanOrEqual(75);
    });

    it("receiver down for the whole schedule → dead → replay → delivered", async () => {
      const rec = await receiver(() => ({ status: 503, body: "down" }));
      const s = await scene(rec);
      const id = (await s.ingest()).deliveryIds[0] ?? "";
      await waitForStatus(t.db, [id], "dead", 10_000);
      let detail = await getDelivery({ db: t.db, id });
      expect(detail?.delivery.attempts).toBe(3);
      expect(detail?.delivery.lastError).toBe("HTTP 503");
      expect(rec.requests).toHaveLength(3);

      expect(await replayDelivery({ db: t.db, id: "msg_nope" })).toEqual({ ok: false, reason: "not-found" });
      rec.setBehaviour(answerOk);
      expect(await replayDelivery({ db: t.db, id, notifier: t.handle })).toEqual({ ok: true });
      await waitForStatus(t.db, [id], "delivered", 10_000);
      detail = await getDelivery({ db: t.db, id });
      expect(detail?.delivery.attempts).toBe(1); // the replay starts a fresh schedule
      expect(detail?.attempts).toHaveLength(4); // …but the history keeps every attempt
      expect(new Set(rec.requests.map((r) => r.webhookId))).toEqual(new Set([id]));
      expect(await replayDelivery({ db: t.db, id })).toEqual({
        ok: false,
        reason: "not-replayable",
        status: "delivered",
      });
    });

    it("HTTP 200 with RetCode 500 is a failure; HTTP 410 disables the endpoint", async () => {
      const rec = await receiver((_r, n) =>
        n === 1
          ? { status: 200, body: { RetCode: "500", RetInfo: "no" } }
          : { status: 410, body: { RetCode: "410" } },
      );
      const s = await scene(rec);
      const id = (await s.ingest()).deliveryIds[0] ?? "";
      await waitForStatus(t.db, [id], "dead", 10_000);
      const detail = await getDelivery({ db: t.db, id });
      expect(detail?.attempts.map((a) => [a.httpStatus, a.error])).toEqual([
        [200, 'RetCode "500"'],
        [410, "HTTP 410"],
      ]);
      expect(detail?.delivery.lastError).toMatch(/410 Gone.*disabled/);
      const [p] = await t.db.select().from(platforms).where(eq(platforms.platId, s.app));
      expect(p?.dataGatewayDisabledAt).toBeInstanceOf(Date);
      // No new deliveries for a disabled endpoint.
      expect((await s.ingest()).deliveryIds).toEqual([]);
    });

    it("signs with both secrets while the previous one is in its grace period", async () => {
      const rec = await receiver();
      const old = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
      const s = await scene(rec, { previousWebhookSecret: old });
      const id = (await s.ingest()).deliveryIds[0] ?? "";
      await waitForStatus(t.db, [id], "delivered", 10_000);
      const r = rec.requests[0];
      const headers = {
        "webhook-id": String(r?.headers["webhook-id"]),
        "webhook-timestamp": String(r?.headers["webhook-timestamp"]),
        "webhook-signature": String(r?.headers["webhook-signature"]),
      };
      expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
      expect(() => new Webhook(s.secret).verify(r?.body ?? "", headers)).not.toThrow();
      expect(() => new Webhook(old).verify(r?.body ?? "", headers)).not.toThrow();
    });

    it("a webhookSecret copied from another platform's row is never used: the attempt fails naming it", async () => {
      const rec = await receiver();
      const victim = await scene(rec);
      const s = await scene(rec);
      // Write access to the database: the victim's sealed webhookSecret put into this platform's row.
      const [v] = await t.db.select().from(platforms).where(eq(platforms.platId, victim.app));
      await t.db
        .update(platforms)
        .set({
          webhookSecretCiphertext: v?.webhookSecretCiphertext,
          webhookSecretKeyId: v?.webhookSecretKeyId,
        })
        .where(eq(platforms.platId, s.app));
      const id = (await s.ingest()).deliveryIds[0] ?? "";
      await waitForStatus(t.db, [id], "dead", 10_000);
      expect(rec.requests).toHaveLength(0);
      const detail = await getDelivery({ db: t.db, id });
      expect(detail?.delivery.lastError).toMatch(
        new RegExp(`cannot sign: .*authentication failed for platforms.webhook_secret of ${s.app} `),
      );
    });

    it("honours Retry-After beyond the schedule's delay", async () => {
      const rec = await receiver((_r, n) =>
        n === 1
          ? { status: 503, headers: { "retry-after": "1" } }
          : { status: 200, body: { RetCode: "200" } },
      );
      const s = await scene(rec);
      const id = (await s.ingest()).deliveryIds[0] ?? "";
      await waitForStatus(t.db, [id], "delivered", 10_000);
      const [a, b] = rec.requests;
      expect((b?.at ?? 0) - (a?.at ?? 0)).toBeGreaterThanOrEqual(950);
    });

    it("a hanging endpoint opens its breaker while a healthy one keeps getting deliveries fast", async () => {
      const bad = await receiver(() => "hang");
      const good = await receiver();
      const sBad = await scene(bad);
      const sGood = await scene(good);
      // The same device bound by both platforms: every report fans out to both.
      await bindDevice(t.db, { platId: sGood.app, udeviceId: sBad.dev, vendorPlatId: sBad.vendor });
      const started = Date.now();
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) ids.push(...(await sBad.ingest({ n: String(i) })).deliveryIds);
      const rows = await t.db.select().from(deliveries).where(eq(deliveries.platId, sGood.app));
      await waitForStatus(
        t.db,
        rows.map((r) => r.id),
        "delivered",
        5_000,
      );
      const goodElapsed = Date.now() - started;
      expect(goodElapsed).toBeLessThan(3_000);

      // Bad endpoint: the 8 requests in flight when it started hanging, at most 2 more taken by
      // freed slots before the 3rd timeout opened the breaker, and at most one half-open probe.
      // Without the breaker it would see a request per delivery per attempt (40 × 3).
      await new Promise((r) => setTimeout(r, 1_200));
      expect(bad.requests.length).toBeLessThanOrEqual(11);
      const badRows = await t.db.select().from(deliveries).where(eq(deliveries.platId, sBad.app));
      const attempts = await t.db
        .select()
        .from(deliveryAttempts)
        .innerJoin(deliveries, eq(deliveries.id, deliveryAttempts.deliveryId))
        .where(eq(deliveries.platId, sBad.app))
        .orderBy(asc(deliveryAttempts.id));
      expect(attempts.length).toBeLessThanOrEqual(11);
      expect(badRows.filter((r) => r.status === "delivered")).toHaveLength(0);

      // Recovery: the half-open probe succeeds, the breaker closes, everything gets through.
      bad.setBehaviour(answerOk);
      await waitForStatus(
        t.db,
        badRows.map((r) => r.id),
        "delivered",
        15_000,
      );
    });
  },
);
