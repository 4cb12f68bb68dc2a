import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayDeliveries, replayDelivery } from "../src/admin/deliveries.ts";
import { claimAndLoadMany, recordAttempts } from "../src/attempt/store.ts";
import { insertPlatform, openTestDb, servicesCheck, type TestDb, testKeyring } from "../src/testing/index.ts";

const svc = await servicesCheck(false);
if (!svc.ok) console.warn(`partition-move.test.ts ${svc.message}`);

// Settling a delivery moves its row from deliveries_open to a day partition (docs/adr/0009).
// PostgreSQL refuses a statement that waited on a row another transaction moved meanwhile
// (SQLSTATE 40001) where, unpartitioned, it would have re-read the row and skipped it: the
// statements that update open rows run again, and then find the row settled, as before.
describe.skipIf(!svc.ok)("a statement that waited on a row settled meanwhile", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
    const keyring = testKeyring();
    await insertPlatform(t.db, keyring, { platId: "PV" });
    await insertPlatform(t.db, keyring, { platId: "PA", dataGatewayUrl: "http://127.0.0.1:9/a" });
  });
  afterAll(async () => t?.close());

  async function openDelivery(id: string): Promise<void> {
    await t.db.execute(sql`
      with r as (
        insert into status_reports (udevice_id, vendor_plat_id, data_type, device_status, received_at)
        values ('dev', 'PV', 'attr', '{}', now() - interval '1 minute') returning id, received_at
      )
      insert into deliveries (id, report_id, plat_id, udevice_id, attempts, next_attempt_at, created_at)
      select ${id}, r.id, 'PA', 'dev', 1, now() - interval '1 minute', r.received_at from r`);
  }

  /** Runs `statement` while another transaction settles `id`, committing once it waits for that row. */
  async function whileSettled<T>(id: string, statement: () => Promise<T>): Promise<T> {
    return t.handle.withConnection(async (q) => {
      await q("begin");
      await q(`update deliveries set status = 'delivered', delivered_at = now(), settled_at = now()
                where id = '${id}' and settled_at = 'infinity'`);
      const pending = statement();
      pending.catch(() => undefined);
      // Until the statement waits for the row lock this transaction holds (no clock involved).
      for (;;) {
        const [row] = await t.handle.withConnection((q2) =>
          q2(`select count(*)::int as n from pg_locks where not granted and locktype = 'transactionid'`),
        );
        if (Number(row?.n) > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await q("commit");
      return pending;
    });
  }

  it("a claim finds the row settled, and claims nothing", async () => {
    await openDelivery("msg_claim");
    const now = new Date();
    const claimed = await whileSettled("msg_claim", () =>
      claimAndLoadMany(t.db, ["msg_claim"], now, new Date(now.getTime() + 10_000)),
    );
    expect(claimed).toEqual([]);
  });

  it("an attempt's record finds the row settled, and keeps only the attempt", async () => {
    await openDelivery("msg_record");
    const updated = await whileSettled("msg_record", () =>
      recordAttempts(t.db, [
        {
          rec: {
            deliveryId: "msg_record",
            attempt: 1,
            startedAt: new Date(),
            durationMs: 3,
            httpStatus: 500,
            retCode: null,
            error: "boom",
          },
          update: {
            expectAttempts: 1,
            status: "failed",
            nextAttemptAt: new Date(),
            lastError: "boom",
            lastHttpStatus: 500,
            deliveredAt: null,
          },
        },
      ]),
    );
    expect(updated).toEqual([false]);
    const rows = await t.handle.withConnection((q) =>
      q(`select status, (select count(*)::int from delivery_attempts where delivery_id = 'msg_record') as attempts
           from deliveries where id = 'msg_record'`),
    );
    expect(rows).toEqual([{ status: "delivered", attempts: 1 }]);
  });

  it("a replay (bulk or one) that waited on a failed row the worker delivered meanwhile replays the rest", async () => {
    await openDelivery("msg_replay_a");
    await openDelivery("msg_replay_b");
    await openDelivery("msg_replay_one");
    await t.db.execute(
      sql`update deliveries set status = 'failed' where id in ('msg_replay_a', 'msg_replay_b', 'msg_replay_one')`,
    );
    const replayed = await whileSettled("msg_replay_a", () =>
      replayDeliveries({ db: t.db, platId: "PA", since: new Date(0) }),
    );
    // msg_replay_one is replayed by the bulk replay too (same platform): 2 rows, not the delivered one.
    expect(replayed).toBe(2);
    await t.db.execute(sql`update deliveries set status = 'failed' where id = 'msg_replay_one'`);
    await t.db.execute(
      sql`update deliveries set status = 'failed', settled_at = 'infinity', delivered_at = null where id = 'msg_replay_b'`,
    );
    const one = await whileSettled("msg_replay_b", () => replayDelivery({ db: t.db, id: "msg_replay_b" }));
    expect(one).toMatchObject({ ok: false, reason: "not-replayable", status: "delivered" });
    const rows = await t.handle.withConnection((q) =>
      q(`select id, status from deliveries where id like 'msg_replay_%' order by id`),
    );
    expect(rows).toEqual([
      { id: "msg_replay_a", status: "delivered" },
      { id: "msg_replay_b", status: "delivered" },
      { id: "msg_replay_one", status: "failed" },
    ]);
  });
});
