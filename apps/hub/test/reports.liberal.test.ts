/**
 * Issue 15, liberal reports (docs/design.md §3.2): table 50 types DeviceStatus as String and the
 * standard's alarm and onOffline bodies are examples, not a closed list. What the hub takes in is
 * stored and delivered; what it delivers is always canonical (an object of strings, trimmed keys).
 */
import { deviceShadows } from "@yunlian/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformClient } from "./support/client.ts";
import { bothStorages, devices, loginAs, startWorldIfAvailable, type World } from "./support/world.ts";

describe.each(bothStorages)("liberal status reports on $storage", ({ storage }) => {
  let world: World | undefined;
  let washer: string;
  let send: ReturnType<typeof platformClient>;

  beforeAll(async () => {
    world = await startWorldIfAvailable(storage, { HUB_DELIVERY_BACKOFF: "0s,50ms,50ms" });
    if (!world) return;
    const vendor = world.vendors[0];
    if (!vendor) throw new Error("vendor");
    washer = vendor.deviceIds[0] ?? "";
    send = platformClient(world.hub.url, { platId: vendor.platId, appSecret: vendor.appSecret });
    const alice = await loginAs(world, "alice", "alice-token-1");
    await world.call("user/bindDevices", { UserID: alice.userId, Device: devices([washer]) });
  }, 90_000);
  afterAll(async () => world?.close());

  /** Sends a raw report body and returns what the app platform received for it. */
  const delivered = async (w: World, body: string) => {
    const before = w.app.reports.length;
    const res = await send("dataservices/dataGateway", body);
    expect(res.body).toMatchObject({ RetCode: "200", Deliveries: 1 });
    const [report] = (await w.app.waitForReports(before + 1)).slice(before);
    return JSON.parse(report?.text ?? "{}") as Record<string, unknown>;
  };

  it("reads DeviceStatus given as a JSON string and delivers it as a canonical object", async (ctx) => {
    if (!world) return ctx.skip();
    const status = JSON.stringify({ "onOffStatus ": "True", laundryCycle: 20 });
    const body = `{"TimeStamp":"1444965812870","DeviceID ":"${washer}","DataType":"attr","DeviceStatus":${JSON.stringify(status)}}`;
    const report = await delivered(world, body);
    expect(report.DeviceStatus).toEqual({ onOffStatus: "True", laundryCycle: "20" });
    expect(report.DeviceID).toBe(washer);
    const [shadow] = await world.hub.hub.database.db
      .select()
      .from(deviceShadows)
      .where(eq(deviceShadows.udeviceId, washer));
    expect(shadow?.attrs).toMatchObject({ onOffStatus: "True", laundryCycle: "20" });
  });

  it("stores and delivers an alarm without `error` and an onOffline without `onLine`", async (ctx) => {
    if (!world) return ctx.skip();
    const alarm = await delivered(
      world,
      JSON.stringify({
        TimeStamp: "1444965812871",
        DeviceID: washer,
        DataType: "alarm",
        DeviceStatus: { alarmCode: "E21", " level": 2 },
      }),
    );
    expect(alarm).toMatchObject({ DataType: "alarm", DeviceStatus: { alarmCode: "E21", level: "2" } });
    const offline = await delivered(
      world,
      JSON.stringify({
        TimeStamp: "1444965812872",
        DeviceID: washer,
        DataType: "onOffline",
        DeviceStatus: JSON.stringify({ ip: "103.10.225.165", reason: "power cut" }),
      }),
    );
    expect(offline).toMatchObject({
      DataType: "onOffline",
      DeviceStatus: { ip: "103.10.225.165", reason: "power cut" },
    });
    const view = await world.admin.get(`/admin/v1/devices/${washer}`);
    expect(JSON.stringify(view.body.reports)).toContain("power cut");
  });

  it("still refuses a DeviceStatus string that is not the JSON text of an object (400 naming it)", async (ctx) => {
    if (!world) return ctx.skip();
    const res = await send(
      "dataservices/dataGateway",
      JSON.stringify({ TimeStamp: "1", DeviceID: washer, DataType: "attr", DeviceStatus: "on, cycle 5" }),
    );
    expect(res.status).toBe(400);
    expect(String(res.body.RetInfo)).toContain("DeviceStatus");
  });
});
