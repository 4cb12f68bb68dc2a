import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformClient } from "./support/client.ts";
import { devices, loginAs, startWorld, type World } from "./support/world.ts";

const METRICS_TOKEN = "metrics-scrape-token-0123456789-abcdef";
const scrape = (url: string, token: string | null = METRICS_TOKEN) =>
  request(`${url}/metrics`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });

describe("observability: request ids end to end, Prometheus metrics", () => {
  let w: World;
  let alice: { userId: string; accessToken: string };
  let washer: string;

  beforeAll(async () => {
    w = await startWorld("pglite", { HUB_METRICS_TOKEN: METRICS_TOKEN });
    alice = await loginAs(w, "alice", "alice-token-1");
    washer = w.vendors[0]?.deviceIds[0] ?? "";
    await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([washer]) });
  }, 60_000);
  afterAll(async () => w?.close());

  it("every answer carries the request's id: the platform API's, one refused at the door, the other routes'", async () => {
    const headers = { "x-request-id": "trace-any-1" };
    const answers = await Promise.all([
      request(`${w.hub.url}/v1/devices/op`, { method: "POST", headers, body: "{}" }),
      // A header over its limit is answered by the listener before any route.
      request(`${w.hub.url}/v1/devices/op`, {
        method: "POST",
        headers: { ...headers, AccessToken: "t".repeat(5000) },
        body: "{}",
      }),
      request(`${w.hub.url}/health`, { headers }),
      request(`${w.hub.url}/v1/no-such-interface`, { method: "POST", headers, body: "{}" }),
    ]);
    for (const answer of answers) await answer.body.dump();
    expect(answers.map((a) => [a.statusCode, a.headers["x-request-id"]])).toEqual([
      [401, "trace-any-1"],
      [400, "trace-any-1"],
      [200, "trace-any-1"],
      [404, "trace-any-1"],
    ]);
  });

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
    const res = await scrape(w.hub.url);
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
    // The breaker is labelled by the receiving platform, never by its URL (issue 14).
    expect(text).toContain('yunlian_delivery_breaker_state{platform="APP-PLAT-0001"} 0');
    expect(text).not.toMatch(/="[a-z]+:\/\//);
    expect(text).toContain("yunlian_delivery_oldest_pending_age_seconds 0");
    // The process metrics every Node service has (issue 18).
    for (const name of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_heap_size_used_bytes",
      "nodejs_eventloop_lag_seconds",
      "nodejs_gc_duration_seconds_bucket",
    ]) {
      expect(text).toContain(name);
    }
  });

  // Issue 14, part 5: /metrics named every platform, its traffic and its partners' URLs to anyone.
  it("GET /metrics answers 401 without HUB_METRICS_TOKEN or the operator token", async () => {
    for (const token of [null, "", "wrong-token-0123456789-0123456789", `${METRICS_TOKEN}x`]) {
      const res = await scrape(w.hub.url, token);
      expect(res.statusCode).toBe(401);
      expect(await res.body.json()).toMatchObject({ RetCode: "401" });
    }
    expect((await scrape(w.hub.url, w.hub.adminToken)).statusCode).toBe(200);
    const plain = await request(`${w.hub.url}/metrics`, {
      headers: { authorization: `bearer  ${METRICS_TOKEN}` },
    });
    expect(plain.statusCode).toBe(200);
    await plain.body.dump();
  });

  it("reads the delivery backlog from the database at most once per 10 s, whatever the scrape rate", async () => {
    const delivered = async () => {
      const text = await (await scrape(w.hub.url)).body.text();
      return Number(/^yunlian_deliveries\{status="delivered"\} (\d+)$/m.exec(text)?.[1]);
    };
    const before = await delivered();
    // One more delivery lands in the table…
    const a = w.vendors[0];
    if (!a) throw new Error("vendor");
    const push = await platformClient(w.hub.url, { platId: a.platId, appSecret: a.appSecret })(
      "dataservices/dataGateway",
      { DeviceID: washer, DataType: "alarm", DeviceStatus: { error: "e2" }, TimeStamp: "1444965812871" },
    );
    expect(push.body.RetCode).toBe("200");
    await w.app.waitForReports(2, 10_000);
    // …and scrapes within 10 s of the last read still show the figure read then.
    for (let i = 0; i < 5; i++) expect(await delivered()).toBe(before);
  });
});
