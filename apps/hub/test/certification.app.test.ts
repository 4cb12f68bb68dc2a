import { type AppPlatform, startAppPlatform } from "@yunlian/vendor-sim";
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
    hub = await startTestHub("pglite");
    admin = adminClient(hub.url, hub.adminToken);
  }, 60_000);
  afterAll(async () => {
    for (const app of apps) await app.close();
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
});
