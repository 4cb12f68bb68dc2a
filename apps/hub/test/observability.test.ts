import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformClient } from "./support/client.ts";
import { devices, loginAs, startWorld, type World } from "./support/world.ts";

describe("observability: request ids end to end, Prometheus metrics", () => {
  let w: World;
  let alice: { userId: string; accessToken: string };
  let washer: string;

  beforeAll(async () => {
    w = await startWorld("pglite");
    alice = await loginAs(w, "alice", "alice-token-1");
    washer = w.vendors[0]?.deviceIds[0] ?? "";
    await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([washer]) });
  }, 60_000);
  afterAll(async () => w?.close());

  it("a caller's x-request-id reaches the vendor, and a report's request id reaches the receiving platform", async () => {
    const op = await w.call(
      "devices/op",
      { UserID: alice.userId, Device: devices([washer], { onOffStatus: "True" }) },
      { AccessToken: alice.accessToken, "x-request-id": "trace-op-1" },
    );
    expect(op.headers["x-request-id"]).toBe("trace-op-1");
    const vendorCall = w.vendors[0]?.cloud.calls.filter((c) => c.api === "devices/op").at(-1);
    expect(vendorCall?.headers["x-request-id"]).toBe("trace-op-1");

    const a = w.vendors[0];
    if (!a) throw new Error("vendor");
    const push = await platformClient(w.hub.url, { platId: a.platId, appSecret: a.appSecret })(
      "dataservices/dataGateway",
      {
        DeviceID: washer,
        DataType: "alarm",
        DeviceStatus: { error: "waterHeatingErr" },
        TimeStamp: "1444965812870",
      },
      { "x-request-id": "trace-report-1" },
    );
    expect(push.body.RetCode).toBe("200");
    const [delivered] = await w.app.waitForReports(1, 10_000);
    expect(delivered?.headers["x-request-id"]).toBe("trace-report-1");
  });

  it("GET /metrics exposes requests by interface/RetCode/vendor, vendor calls, deliveries and breakers", async () => {
    await w.call("devices/deviceStatus", { UserID: "UNKNOWN" }); // a 400 (no Device) — also counted
    const res = await request(`${w.hub.url}/metrics`);
    expect(res.statusCode).toBe(200);
    const text = await res.body.text();
    const vendor = w.vendors[0]?.platId;
    expect(text).toContain(
      `yunlian_requests_total{interface="/v1/devices/op",ret_code="200",vendor="${vendor}"} 1`,
    );
    expect(text).toMatch(
      /yunlian_requests_total\{interface="\/v1\/devices\/deviceStatus",ret_code="400",vendor="none"\} 1/,
    );
    expect(text).toContain(`yunlian_vendor_calls_total{vendor="${vendor}",operation="op",outcome="ok"} 1`);
    expect(text).toContain('yunlian_request_duration_seconds_bucket{le="0.005",interface="/v1/devices/op"}');
    expect(text).toContain('yunlian_deliveries{status="delivered"} 1');
    expect(text).toContain('yunlian_delivery_attempts_total{platform="APP-PLAT-0001",outcome="delivered"} 1');
    expect(text).toMatch(
      /yunlian_delivery_breaker_state\{endpoint="http:\/\/127\.0\.0\.1:\d+\/v1\/dataservices\/dataGateway"\} 0/,
    );
    expect(text).toContain("yunlian_delivery_oldest_pending_age_seconds 0");
  });
});
