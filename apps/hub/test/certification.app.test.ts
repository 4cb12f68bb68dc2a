import { certificationRuns, hubUsers } from "@yunlian/db";
import { type AppPlatform, type DeviceCloud, startAppPlatform, startDeviceCloud } from "@yunlian/vendor-sim";
import { eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certify, describeRun, failedClauses } from "./support/certification.ts";
import { adminClient } from "./support/client.ts";
import { freePort, startTestHub, type TestHub } from "./support/harness.ts";

/**
 * Issue 18, certification of an app platform: the hub plays a vendor with a built-in simulated
 * device, asks the app's verify endpoint about its test users and sends its dataGateway receiver
 * signed, unsigned, forged, replayed and stale deliveries.
 */
describe("certification of app platforms", () => {
  let hub: TestHub;
  let admin: ReturnType<typeof adminClient>;
  const apps: AppPlatform[] = [];
  const clouds: DeviceCloud[] = [];
  const users = [{ loginId: "carol", authToken: "carol-token-1" }];

  async function appPlatform(platId: string, verifyDeliveries: boolean): Promise<AppPlatform> {
    const port = await freePort();
    const reg = await admin.post("/admin/v1/platforms", {
      platId,
      name: platId,
      verifyUrl: `http://127.0.0.1:${port}/v1/user/verify`,
      dataGatewayUrl: `http://127.0.0.1:${port}/v1/dataservices/dataGateway`,
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const app = await startAppPlatform({
      platId,
      port,
      users,
      webhookSecret: String(reg.body.webhookSecret),
      verifyDeliveries,
    });
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    // Tight bounds, for the last two tests: an app run makes 8 calls and takes well under a second.
    hub = await startTestHub("pglite", {
      HUB_CERTIFICATION_TIMEOUT: "4s",
      HUB_CERTIFICATION_MAX_CALLS: "12",
    });
    admin = adminClient(hub.url, hub.adminToken);
  }, 60_000);
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const cloud of clouds) await cloud.close();
    await hub?.close();
  });

  it("certifies an app whose receiver verifies signatures and acknowledges retries", async () => {
    const app = await appPlatform("CERT-APP-0001", true);
    const run = await certify(admin, "CERT-APP-0001", { testUsers: users });
    expect(failedClauses(run), describeRun(run)).toEqual([]);
    expect(run.status).toBe("passed");
    // The retry carried the first delivery's webhook-id, and was acknowledged (HTTP 200).
    const accepted = app.reports.filter((r) => r.answeredStatus === 200);
    expect(accepted).toHaveLength(2);
    expect(accepted[0]?.webhookId).toBe(accepted[1]?.webhookId);
    // The stored request never holds the test users' AuthTokens.
    expect(JSON.stringify(run)).not.toContain("carol-token-1");
  }, 60_000);

  it("an app that accepts unsigned and badly signed deliveries fails exactly the signature clauses", async () => {
    await appPlatform("CERT-APP-0002", false);
    const run = await certify(admin, "CERT-APP-0002", { testUsers: users });
    expect(failedClauses(run), describeRun(run)).toEqual(["delivery-signature", "delivery-stale"]);
    expect(run.status).toBe("failed");
    const clause = run.report?.clauses.find((c) => c.id === "delivery-signature");
    expect(clause?.detail).toContain("without webhook-id");
    expect(clause?.exchanges?.[0]?.answer).toContain('"RetCode":"200"');
  }, 60_000);

  it("an app whose verify endpoint does not know the test user fails exactly the verify clause", async () => {
    await appPlatform("CERT-APP-0003", true);
    const run = await certify(admin, "CERT-APP-0003", {
      testUsers: [{ loginId: "mallory", authToken: "x" }],
    });
    expect(failedClauses(run), describeRun(run)).toEqual(["verify-endpoint"]);
    const clause = run.report?.clauses.find((c) => c.id === "verify-endpoint");
    expect(clause?.detail).toContain("did not vouch for test user mallory");
    // The AuthToken sent is redacted in the recorded exchange.
    expect(JSON.stringify(clause?.exchanges)).not.toContain('"AuthToken":"x"');
  }, 60_000);

  async function vendorCloud(platId: string, code: string): Promise<DeviceCloud> {
    const port = await freePort();
    const reg = await admin.post("/admin/v1/platforms", {
      platId,
      name: platId,
      manufacturerCodes: [code],
      adapter: "standard",
      apiBaseUrl: `http://127.0.0.1:${port}/v1`,
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const cloud = await startDeviceCloud({
      platId,
      manufacturerCode: code,
      port,
      verifyUrl: `${hub.url}/v1/user/verify`,
      appSecret: String(reg.body.appSecret),
      ingestUrl: `${hub.url}${String(reg.body.ingestUrl)}`,
      reportOnOp: true,
    });
    clouds.push(cloud);
    return cloud;
  }

  it("a run stops at HUB_CERTIFICATION_MAX_CALLS: the clauses past it fail, and the test users are removed", async () => {
    const cloud = await vendorCloud("CERT-BUDGET-01", "000051");
    const run = await certify(admin, "CERT-BUDGET-01", { devices: [...cloud.devices.keys()].slice(0, 1) });
    expect(run.status, describeRun(run)).toBe("failed");
    expect(run.report?.calls).toBe(12);
    expect(cloud.calls.length).toBeLessThanOrEqual(12);
    expect(JSON.stringify(run.report)).toContain("call budget of 12 calls used up");
    const left = await hub.hub.database.db.select().from(hubUsers).where(like(hubUsers.loginId, "~cert-%"));
    expect(left).toEqual([]);
  }, 60_000);

  it("a run stops at HUB_CERTIFICATION_TIMEOUT: a slow cloud's run ends within it, failed", async () => {
    const cloud = await vendorCloud("CERT-SLOW-001", "000052");
    cloud.setDelay(1000);
    const started = Date.now();
    const run = await certify(admin, "CERT-SLOW-001", { devices: [...cloud.devices.keys()].slice(0, 1) });
    const took = Date.now() - started;
    expect(run.status, describeRun(run)).toBe("failed");
    expect(took).toBeLessThan(4000 + 3000);
    expect(JSON.stringify(run.report)).toMatch(/time is up|timed out|not reached/);
  }, 60_000);

  it("a run its process never finished (left running past the time limit) no longer holds the platform's slot", async () => {
    await appPlatform("CERT-APP-0004", true);
    const db = hub.hub.database.db;
    await db.insert(certificationRuns).values({
      runId: "cr_orphanedbyacrash000",
      platId: "CERT-APP-0004",
      role: "app",
      status: "running",
      requestedBy: "self",
      request: {},
      createdAt: new Date(Date.now() - 10 * 60_000),
      startedAt: new Date(Date.now() - 10 * 60_000),
    });
    const run = await certify(admin, "CERT-APP-0004", { testUsers: users });
    expect(run.status, describeRun(run)).toBe("passed");
    const [orphan] = await db
      .select()
      .from(certificationRuns)
      .where(eq(certificationRuns.runId, "cr_orphanedbyacrash000"));
    expect(orphan?.status).toBe("error");
    expect(orphan?.error).toContain("stopped");
  }, 60_000);
});
