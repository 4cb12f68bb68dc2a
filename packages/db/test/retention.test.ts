import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DatabaseHandle,
  openDatabase,
  RETENTION_LOCK_KEY,
  runRetention,
  startRetention,
} from "../src/index.ts";
import { createTestDatabase, postgresAvailable, servicesRequired } from "../src/testing.ts";
import { expectRetention, fillHistory, PERIODS } from "./retention-scenario.ts";

const DAY = 86_400_000;
const available = await postgresAvailable();
if (!available && servicesRequired())
  throw new Error("PostgreSQL is unreachable and TEST_REQUIRE_SERVICES/CI demands it");

describe("retention by partition, PGlite (PostgreSQL 17 in WASM)", () => {
  it("creates day partitions ahead, drops those past retention, keeps the rest, the shadow and open deliveries", async () => {
    const h = await openDatabase({ dataDir: "memory://" });
    try {
      expect(h.kind).toBe("pglite");
      await expectRetention(h);
    } finally {
      await h.close();
    }
  });

  it("two runs at once in one process: one works, the other does nothing", async () => {
    const h = await openDatabase({ dataDir: "memory://" });
    try {
      await h.migrate();
      const runs = await Promise.all([
        runRetention(h, { retention: PERIODS }),
        runRetention(h, { retention: PERIODS }),
      ]);
      expect(runs.map((r) => r.ran).sort()).toEqual([false, true]);
    } finally {
      await h.close();
    }
  });

  it("the schedule's first run: on a fresh database, settled once today's partitions exist", async () => {
    const h = await openDatabase({ dataDir: "memory://" });
    const today = `_p${new Date().toISOString().slice(0, 10).replaceAll("-", "")}`;
    const tables = ["status_reports", "deliveries", "delivery_attempts", "audit_log", "ops", "op_devices"];
    const todays = () =>
      h.withConnection(async (q) => {
        const rows = await q(
          `select relname from pg_class where relname in (${tables.map((t) => `'${t}${today}'`).join(", ")})`,
        );
        return rows.map((r) => String(r.relname)).sort();
      });
    try {
      await h.migrate();
      expect(await todays()).toEqual([]);
      // A row routed to DEFAULT while the run attaches today's partition is refused: the hub waits.
      const schedule = startRetention(h, { retention: PERIODS, intervalMs: 3_600_000 });
      await schedule.firstRun;
      expect(await todays()).toEqual(tables.map((t) => `${t}${today}`).sort());
      await schedule.stop();
    } finally {
      await h.close();
    }
  });
});

describe.skipIf(!available)("retention by partition, PostgreSQL", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let one: DatabaseHandle;
  let two: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
    one = await openDatabase({ url: database.url, maxConnections: 2 });
    two = await openDatabase({ url: database.url, maxConnections: 2 });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await database?.drop();
  });

  it("creates day partitions ahead, drops those past retention, keeps the rest, the shadow and open deliveries", async () => {
    await expectRetention(one);
  });

  /** The scenario's history again, on the partitions the runs before left; its clock. */
  const historyAgain = async () => {
    await one.withConnection(async (q) => {
      await q(
        "truncate status_reports, deliveries, delivery_attempts, audit_log, device_shadows, platforms, ops, op_devices cascade",
      );
    });
    const now = Date.now();
    await fillHistory(one, now);
    return now;
  };

  it("the advisory lock: a run while another process holds it drops nothing; of two at once, one drops", async () => {
    const now = await historyAgain();
    await two.withConnection(async (q) => {
      await q(`select pg_advisory_lock(${RETENTION_LOCK_KEY})`);
      try {
        const blocked = await runRetention(one, { retention: PERIODS, now });
        expect(blocked).toMatchObject({ ran: false, dropped: [] });
      } finally {
        await q(`select pg_advisory_unlock(${RETENTION_LOCK_KEY})`);
      }
    });
    const runs = await Promise.all([
      runRetention(one, { retention: PERIODS, now }),
      runRetention(two, { retention: PERIODS, now }),
    ]);
    const dropped = runs.flatMap((r) => r.dropped);
    // Every partition past retention dropped exactly once, by whichever run held the lock.
    expect(new Set(dropped).size).toBe(dropped.length);
    expect(dropped.length).toBeGreaterThanOrEqual(13);
  });

  it("a replay committing while the run decides keeps its report's partition: no open delivery loses its report", async () => {
    const now = await historyAgain();
    // Older report partitions go first, so that day −40 is the first the run considers: dropping
    // any partition waits for the replay's lock on the reports table, and the race is between the
    // check of a partition and its drop.
    const older = { ...PERIODS, reports: 41 * DAY, deliveries: 1e5 * DAY };
    expect((await runRetention(one, { retention: older, now })).kept).toEqual([]);
    const day40 = `status_reports_p${new Date(now - 40 * DAY).toISOString().slice(0, 10).replaceAll("-", "")}`;
    await two.withConnection(async (q) => {
      // A replay of msg_old (delivered 40 days ago; its report is in that day's partition, past
      // retention), reopened the way the replay does it: only while its report is there.
      await q("begin");
      const reopened = await q(`update deliveries d set status = 'failed', settled_at = 'infinity'
        where d.id = 'msg_old'
          and exists (select 1 from status_reports r where r.id = d.report_id and r.received_at = d.created_at)
        returning d.id`);
      expect(reopened).toHaveLength(1);
      const run = runRetention(one, { retention: PERIODS, now });
      // The run reaches the reports of day −40 while the replay is still open, then the replay commits.
      await new Promise((r) => setTimeout(r, 500));
      await q("commit");
      const result = await run;
      expect(result.kept).toContain(day40);
      expect(result.dropped).not.toContain(day40);
    });
    await one.withConnection(async (q) => {
      const [row] = await q(`select count(*)::int as n from deliveries d
        join status_reports r on r.id = d.report_id and r.received_at = d.created_at
        where d.id = 'msg_old' and d.settled_at = 'infinity'`);
      expect(row?.n).toBe(1);
    });
  });
});
