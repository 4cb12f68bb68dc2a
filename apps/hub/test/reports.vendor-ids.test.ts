/**
 * Issue 15, vendor device IDs on the report side: a vendor configured with adapterConfig.deviceIds
 * "vendor" names devices in its reports by the UDeviceID's vendor part, as the standard's own
 * examples do (`"DeviceID": "C8934610162D"`). The hub maps each back to the UDeviceID an app bound;
 * an ID that maps to no bound device is refused and counted, never delivered under a guessed ID.
 */
import { statusReports } from "@yunlian/db";
import { formatUDeviceId } from "@yunlian/protocol";
import { like } from "drizzle-orm";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExpiringCloud, startExpiringCloud } from "./support/expiring-cloud.ts";
import { bothStorages, devices, loginAs, startWorldIfAvailable, type World } from "./support/world.ts";

const CODE = "000012";
const udid = (category: string, subCategory: string, vendorPart: string) =>
  formatUDeviceId({ manufacturerCode: CODE, category, subCategory, vendorPart });

describe.each(bothStorages)("reports naming the vendor's own device IDs on $storage", ({ storage }) => {
  let world: World | undefined;
  let cloud: ExpiringCloud;
  let ingestUrl: string;
  const washer = udid("02", "002", "C8934610162D");
  const twins = [udid("02", "002", "TWIN0001"), udid("01", "003", "TWIN0001")];

  beforeAll(async () => {
    world = await startWorldIfAvailable(storage, { HUB_DELIVERY_BACKOFF: "0s,50ms,50ms" });
    if (!world) return;
    cloud = await startExpiringCloud();
    const reg = await world.admin.post("/admin/v1/platforms", {
      platId: "VENDOR-VID-0000",
      name: "vendor naming its own IDs",
      manufacturerCodes: [CODE],
      apiBaseUrl: cloud.url,
      adapterConfig: { deviceIds: "vendor" },
      security: { mode: "none" },
    });
    expect(reg.status).toBe(201);
    // HUB_PUBLIC_URL is unset here: the ingestUrl is given from its path on.
    ingestUrl = `${world.hub.url}${String(reg.body.ingestUrl)}`;
    const alice = await loginAs(world, "alice", "alice-token-1");
    const bound = await world.call("user/bindDevices", {
      UserID: alice.userId,
      Device: devices([washer, ...twins]),
    });
    expect(bound.body).toMatchObject({ RetCode: "200", FailedIDs: [] });
  }, 90_000);
  afterAll(async () => {
    await cloud?.close();
    await world?.close();
  });

  const report = (deviceId: string) => ({
    TimeStamp: "1444965812870",
    "DeviceID ": deviceId,
    DataType: "attr",
    DeviceStatus: { "onOffStatus ": "True", laundryCycle: "3" },
  });
  const post = async (body: unknown) => {
    const res = await request(ingestUrl, { method: "POST", body: JSON.stringify(body) });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };
  const stored = (w: World, vendorPart: string) =>
    w.hub.hub.database.db
      .select()
      .from(statusReports)
      .where(like(statusReports.udeviceId, `%${vendorPart}`));

  it("maps the vendor's own ID to the bound UDeviceID and delivers it under that UDeviceID", async (ctx) => {
    if (!world) return ctx.skip();
    const before = world.app.reports.length;
    const res = await post(report("C8934610162D"));
    expect(res).toMatchObject({ status: 200, body: { RetCode: "200", Deliveries: 1 } });
    const [delivered] = (await world.app.waitForReports(before + 1)).slice(before);
    expect(JSON.parse(delivered?.text ?? "{}")).toMatchObject({
      DeviceID: washer,
      DataType: "attr",
      DeviceStatus: { onOffStatus: "True", laundryCycle: "3" },
    });
  });

  it("refuses an ID that maps to no bound device (404), stores nothing and counts it", async (ctx) => {
    if (!world) return ctx.skip();
    const res = await post(report("NOBODY0042"));
    expect(res.status).toBe(404);
    expect(String(res.body.RetInfo)).toContain("NOBODY0042");
    expect(await stored(world, "NOBODY0042")).toEqual([]);
    const metrics = await request(`${world.hub.url}/metrics`, {
      headers: { authorization: `Bearer ${world.hub.adminToken}` },
    });
    expect(await metrics.body.text()).toMatch(
      /yunlian_reports_refused_total\{vendor="VENDOR-VID-0000",reason="unknown"\} 1/,
    );
  });

  it("refuses an ID two bound devices share (409), never guessing one", async (ctx) => {
    if (!world) return ctx.skip();
    const before = world.app.reports.length;
    const res = await post(report("TWIN0001"));
    expect(res.status).toBe(409);
    expect(String(res.body.RetInfo)).toContain(twins[0]);
    expect(await stored(world, "TWIN0001")).toEqual([]);
    expect(world.app.reports.length).toBe(before);
  });

  it("an ID of another maker's form is still only this vendor's: a full UDeviceID is not a vendor part", async (ctx) => {
    if (!world) return ctx.skip();
    const other = world.vendors[0]?.deviceIds[0] ?? "";
    const res = await post(report(other));
    expect(res.status).toBe(404);
    expect(await stored(world, other)).toEqual([]);
  });
});
