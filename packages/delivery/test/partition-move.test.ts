import type { Database } from "@yunlian/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayDeliveries, replayDelivery } from "../src/admin/deliveries.ts";
import { claimAndLoadMany, recordAttempts } from "../src/attempt/store.ts";
import { requeueAllOpen } from "../src/bullmq/relay.ts";
import { insertPlatform, openTestDb, servicesCheck, type TestDb, testKeyring } from "../src/testing/index.ts";
import { partitionMoveRefusal } from "./support/refusals.ts";

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
    await insertPlatform(t.db, keyring, { platId: "PB", dataGatewayUrl: "http://127.0.0.1:9/b" });
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

  /** The id and status of the deliveries whose id starts with `prefix`, by id. */
  const statusesOf = (prefix: string) =>
    t.handle.withConnection((q) =>
      q(`select id, status from deliveries where id like '${prefix}%' order by id`),
    );

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

  /**
   * Runs `statement` while another transaction holds `id` (settling it, not yet committed), and
   * tells whether the statement waited for that row; commits once it finished or waited.
   */
  async function whileHeld<T>(
    id: string,
    statement: () => Promise<T>,
  ): Promise<{ result: T; waited: boolean }> {
    return t.handle.withConnection(async (q) => {
      await q("begin");
      await q(`update deliveries set status = 'delivered', delivered_at = now(), settled_at = now()
                where id = '${id}' and settled_at = 'infinity'`);
      let done = false;
      const pending = statement().finally(() => {
        done = true;
      });
      pending.catch(() => undefined);
      let waited = false;
      while (!done) {
        const [row] = await t.handle.withConnection((q2) =>
          q2(`select count(*)::int as n from pg_locks where not granted and locktype = 'transactionid'`),
        );
        if (Number(row?.n) > 0) {
          waited = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      await q("commit");
      return { result: await pending, waited };
    });
  }

  it("a bulk replay skips the failed row a worker is settling, without waiting for it, and replays the rest", async () => {
    await openDelivery("msg_replay_a");
    await openDelivery("msg_replay_b");
    await openDelivery("msg_replay_c");
    await t.db.execute(
      sql`update deliveries set status = 'failed' where id in ('msg_replay_a', 'msg_replay_b', 'msg_replay_c')`,
    );
    const { result, waited } = await whileHeld("msg_replay_a", () =>
      replayDeliveries({ db: t.db, platId: "PA", since: new Date(0) }),
    );
    // Waiting, one statement over every row failed as a whole once the worker's commit moved the
    // row (40001) and ran again: each failed run left the rows it had moved as dead tuples.
    expect(waited).toBe(false);
    expect(result).toBe(2);
    const rows = await statusesOf("msg_replay_");
    expect(rows).toEqual([
      { id: "msg_replay_a", status: "delivered" },
      { id: "msg_replay_b", status: "pending" },
      { id: "msg_replay_c", status: "pending" },
    ]);
  });

  it("a replay of one row that waited on it while the worker delivered it finds it delivered", async () => {
    await openDelivery("msg_replay_one");
    await t.db.execute(sql`update deliveries set status = 'failed' where id = 'msg_replay_one'`);
    const one = await whileSettled("msg_replay_one", () =>
      replayDelivery({ db: t.db, id: "msg_replay_one" }),
    );
    expect(one).toMatchObject({ ok: false, reason: "not-replayable", status: "delivered" });
  });

  it("a bulk replay of more rows than one batch replays each once", async () => {
    await t.db.execute(sql`
      with r as (
        insert into status_reports (udevice_id, vendor_plat_id, data_type, device_status, received_at)
        values ('dev', 'PV', 'attr', '{}', now() - interval '1 minute') returning id, received_at
      )
      insert into deliveries (id, report_id, plat_id, udevice_id, attempts, status, next_attempt_at, created_at)
      select 'msg_many_' || g, r.id, 'PB', 'dev', 3, 'failed', now(), r.received_at
        from r, generate_series(1, 1234) g`);
    const replayed = await replayDeliveries({ db: t.db, platId: "PB", since: new Date(0) });
    expect(replayed).toBe(1234);
    const rows = await t.handle.withConnection((q) =>
      q(`select status, attempts, count(*)::int as n from deliveries where plat_id = 'PB' group by 1, 2`),
    );
    expect(rows).toEqual([{ status: "pending", attempts: 0, n: 1234 }]);
  });

  async function failedDeliveries(platId: string, prefix: string, n: number): Promise<void> {
    await insertPlatform(t.db, testKeyring(), { platId, dataGatewayUrl: `http://127.0.0.1:9/${platId}` });
    await t.db.execute(sql`
      with r as (
        insert into status_reports (udevice_id, vendor_plat_id, data_type, device_status, received_at)
        values ('dev', 'PV', 'attr', '{}', now() - interval '1 minute') returning id, received_at
      )
      insert into deliveries (id, report_id, plat_id, udevice_id, attempts, status, next_attempt_at, created_at)
      select ${prefix} || g, r.id, ${platId}, 'dev', 3, 'failed', now(), r.received_at
        from r, generate_series(1, ${n}) g`);
  }

  it("a bulk replay refused again and again while rows are settled halves its batch until one goes through", async () => {
    await failedDeliveries("PH", "msg_halve_", 300);
    // Any batch of more than 60 rows meets a row being settled (made at the client: see refusingBatches).
    const refusing = refusingBatches(t.db, (limit) => limit > 60);
    expect(await replayDeliveries({ db: refusing.db, platId: "PH", since: new Date(0) })).toBe(300);
    expect(refusing.limits.slice(0, 4)).toEqual([300, 150, 75, 37]);
    const rows = await t.handle.withConnection((q) =>
      q(`select status, count(*)::int as n from deliveries where plat_id = 'PH' group by 1`),
    );
    expect(rows).toEqual([{ status: "pending", n: 300 }]);
  });

  it("a bulk replay refused every time gives up after a bounded number of statements", async () => {
    await failedDeliveries("PG", "msg_giveup_", 10);
    const refusing = refusingBatches(t.db, () => true);
    await expect(
      replayDeliveries({ db: refusing.db, platId: "PG", since: new Date(0) }),
    ).rejects.toMatchObject({
      code: "40001",
    });
    expect(refusing.limits).toHaveLength(16);
    expect(refusing.limits.at(-1)).toBe(1);
  });

  async function queuedOpenDelivery(id: string): Promise<void> {
    await openDelivery(id);
    await t.db.execute(sql`update deliveries set enqueued_at = now() - interval '1 minute' where id = ${id}`);
  }

  async function enqueuedAt(prefix: string) {
    return t.handle.withConnection((q) =>
      q(
        `select id, status, enqueued_at is null as handed_back from deliveries where id like '${prefix}%' order by id`,
      ),
    );
  }

  it("the re-queue after Redis lost its data skips the row a worker is settling, without waiting for it", async () => {
    for (const id of ["msg_rq_a", "msg_rq_b", "msg_rq_c"]) await queuedOpenDelivery(id);
    const { result, waited } = await whileHeld("msg_rq_a", () =>
      requeueAllOpen({ db: t.db, batchSize: 1_000, heldWaitMs: 300 }),
    );
    // One statement over every open row waited for the worker's commit, which moved the row, and
    // failed as a whole (40001): after a failover the jobs the old master lost waited for a pass
    // that got through.
    expect(waited).toBe(false);
    expect(result).toBe(2);
    expect(await enqueuedAt("msg_rq_")).toEqual([
      { id: "msg_rq_a", status: "delivered", handed_back: false },
      { id: "msg_rq_b", status: "pending", handed_back: true },
      { id: "msg_rq_c", status: "pending", handed_back: true },
    ]);
  });

  it("a row an attempt held and left open is handed back once released", async () => {
    for (const id of ["msg_rh_a", "msg_rh_b"]) await queuedOpenDelivery(id);
    const result = await t.handle.withConnection(async (q) => {
      await q("begin");
      // An attempt recording a retry: the row stays open, its job (if the old master had it) gone.
      await q(`update deliveries set status = 'failed', attempts = 2 where id = 'msg_rh_a'`);
      const pending = requeueAllOpen({ db: t.db, batchSize: 1_000, heldWaitMs: 5_000 });
      await new Promise((r) => setTimeout(r, 100));
      await q("commit");
      return pending;
    });
    expect(result).toBe(2);
    expect(await enqueuedAt("msg_rh_")).toEqual([
      { id: "msg_rh_a", status: "failed", handed_back: true },
      { id: "msg_rh_b", status: "pending", handed_back: true },
    ]);
  });

  it("hands back more rows than one batch, and none queued after it started", async () => {
    await t.db.execute(sql`
      with r as (
        insert into status_reports (udevice_id, vendor_plat_id, data_type, device_status, received_at)
        values ('dev', 'PV', 'attr', '{}', now() - interval '1 minute') returning id, received_at
      )
      insert into deliveries (id, report_id, plat_id, udevice_id, attempts, next_attempt_at, created_at, enqueued_at)
      select 'msg_rqmany_' || g, r.id, 'PA', 'dev', 1, now(),  r.received_at,
             case when g <= 1234 then now() - interval '1 minute' else now() + interval '1 minute' end
        from r, generate_series(1, 1240) g`);
    expect(await requeueAllOpen({ db: t.db, batchSize: 500 })).toBe(1234);
    const rows = await t.handle.withConnection((q) =>
      q(`select enqueued_at is null as handed_back, count(*)::int as n from deliveries
          where id like 'msg_rqmany_%' group by 1 order by 1`),
    );
    expect(rows).toEqual([
      { handed_back: false, n: 6 },
      { handed_back: true, n: 1234 },
    ]);
  });

  it("a dead delivery whose report is past retention is not replayed, alone or in bulk; the others are", async () => {
    // Three dead deliveries of a platform of their own; two of their reports then expire.
    await insertPlatform(t.db, testKeyring(), { platId: "PR", dataGatewayUrl: "http://127.0.0.1:9/r" });
    for (const id of ["msg_exp_gone", "msg_exp_kept", "msg_exp_gone2"]) {
      await openDelivery(id);
      await t.db.execute(
        sql`update deliveries set plat_id = 'PR', status = 'dead', settled_at = now() where id = ${id}`,
      );
    }
    // What retention does to a report partition past HUB_RETENTION_REPORTS: the reports go, their
    // deliveries stay (dropping a partition fires no trigger; deleting rows would cascade).
    await t.handle.withConnection(async (q) => {
      await q("set session_replication_role = replica");
      await q(`delete from status_reports where id in
                 (select report_id from deliveries where id in ('msg_exp_gone', 'msg_exp_gone2'))`);
      await q("reset session_replication_role");
    });
    expect(await replayDelivery({ db: t.db, id: "msg_exp_gone" })).toEqual({
      ok: false,
      reason: "report-expired",
    });
    expect(await replayDeliveries({ db: t.db, platId: "PR", since: new Date(0) })).toBe(1);
    const rows = await statusesOf("msg_exp_");
    // Replayed, a report-less row was open for good: the relay finds a row with its report.
    expect(rows).toEqual([
      { id: "msg_exp_gone", status: "dead" },
      { id: "msg_exp_gone2", status: "dead" },
      { id: "msg_exp_kept", status: "pending" },
    ]);
  });
});

/**
 * `db` whose replay statements PostgreSQL refuses, whenever `refuse(limit)` says so, the way it
 * refuses a statement that met a row a concurrent commit moved to another partition (SQLSTATE
 * 40001). Which batch meets such a row depends on timing a test cannot control, so the refusal is
 * made here, at the client; `limits` records each statement's batch size (its LIMIT parameter).
 */
function refusingBatches(
  db: Database,
  refuse: (limit: number) => boolean,
): { db: Database; limits: number[] } {
  const limits: number[] = [];
  type Chain = { set(v: unknown): { where(w: unknown): { returning(r: unknown): Query } } };
  type Query = PromiseLike<unknown> & { toSQL(): { sql: string; params: unknown[] } };
  const update = (table: unknown) => {
    const real = (db.update as (t: unknown) => Chain)(table);
    return {
      set: (values: unknown) => ({
        where: (where: unknown) => ({
          returning: (fields: unknown) => {
            const query = real.set(values).where(where).returning(fields);
            const { sql: text, params } = query.toSQL();
            const at = /limit \$(\d+)/i.exec(text);
            const limit = Number(params[Number(at?.[1]) - 1]);
            limits.push(limit);
            if (!refuse(limit)) return query;
            return Promise.reject(partitionMoveRefusal());
          },
        }),
      }),
    };
  };
  // Everything else is the real database, through the prototype chain.
  return { db: Object.assign(Object.create(db) as Database, { update }), limits };
}
