import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/client.ts";
import { postgresOrSkip, startTestHub, type TestHub } from "./support/harness.ts";
import { type HubProcess, startHubProcess } from "./support/hub-process.ts";

/** Two hub processes on one PostgreSQL: a change made through one is routed by the other within a second. */
describe("two hub processes on one PostgreSQL", () => {
  let first: TestHub | undefined;
  let second: HubProcess | undefined;

  beforeAll(async () => {
    if (!(await postgresOrSkip())) return;
    first = await startTestHub("postgres");
    second = await startHubProcess({
      DATABASE_URL: first.databaseUrl ?? "",
      HUB_ADMIN_TOKEN: first.adminToken,
      HUB_SECRET_KEY: "11".repeat(32),
      HUB_ALLOW_PRIVATE_URLS: "1",
    });
  }, 60_000);
  afterAll(async () => {
    await second?.stop();
    await first?.close();
  });

  /** Polls the other process's admin API, which answers from its in-memory registry. */
  async function seenWithin(ms: number, check: () => Promise<boolean>): Promise<number> {
    const start = Date.now();
    while (!(await check())) {
      if (Date.now() - start > ms) throw new Error(`not seen within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return Date.now() - start;
  }

  it("registers through one and the other serves it; edits and deletes follow", async (ctx) => {
    if (!first || !second) return ctx.skip();
    const viaFirst = adminClient(first.url, first.adminToken);
    const viaSecond = adminClient(second.url, first.adminToken);
    const codesOnSecond = async () =>
      (await viaSecond.get("/admin/v1/platforms/VENDOR-X")).body.manufacturerCodes;

    const res = await viaFirst.post("/admin/v1/platforms", {
      platId: "VENDOR-X",
      name: "X",
      manufacturerCodes: ["000042"],
      apiBaseUrl: "http://127.0.0.1:9/v1",
    });
    expect(res.status).toBe(201);
    const registered = await seenWithin(
      1000,
      async () => JSON.stringify(await codesOnSecond()) === '["000042"]',
    );
    expect(registered).toBeLessThan(1000);

    await viaFirst.patch("/admin/v1/platforms/VENDOR-X", { manufacturerCodes: ["000043"] });
    await seenWithin(1000, async () => JSON.stringify(await codesOnSecond()) === '["000043"]');

    await viaFirst.delete("/admin/v1/platforms/VENDOR-X");
    await seenWithin(1000, async () => (await viaSecond.get("/admin/v1/platforms/VENDOR-X")).status === 404);
  });
});
