/**
 * Embedded mode has no worker: the hub runs the partition job itself (docs/adr/0009), and counts
 * what it drops on /metrics.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "./support/harness.ts";

const DAY = 86_400_000;
const dayName = (at: number) => new Date(at).toISOString().slice(0, 10).replaceAll("-", "");

describe("retention in an embedded hub (PGlite, no worker)", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub("pglite", { HUB_RETENTION_REPORTS: "30d", HUB_RETENTION_INTERVAL: "100ms" });
  }, 60_000);
  afterAll(async () => hub?.close());

  const query = (text: string) => hub.hub.database.withConnection((q) => q(text));
  const exists = async (name: string) =>
    (await query(`select 1 from pg_class where relname = '${name}'`)).length === 1;
  const until = async (check: () => Promise<boolean>) => {
    while (!(await check())) await new Promise((r) => setTimeout(r, 50));
  };

  it("creates today's partitions and drops a day past HUB_RETENTION_REPORTS, counted on /metrics", async () => {
    const today = Math.floor(Date.now() / DAY) * DAY;
    await until(() => exists(`status_reports_p${dayName(today + 3 * DAY)}`));
    // A day 40 days back, as a hub running for months would have made it.
    const old = today - 40 * DAY;
    await query(
      `create table status_reports_p${dayName(old)} (like status_reports including defaults including constraints)`,
    );
    await query(`alter table status_reports attach partition status_reports_p${dayName(old)}
                 for values from ('${new Date(old).toISOString()}') to ('${new Date(old + DAY).toISOString()}')`);
    await until(async () => !(await exists(`status_reports_p${dayName(old)}`)));
    const metrics = await request(`${hub.url}/metrics`, {
      headers: { authorization: `Bearer ${hub.adminToken}` },
    });
    expect(await metrics.body.text()).toContain(
      'yunlian_retention_partitions_dropped_total{table="status_reports"} 1',
    );
  });
});
