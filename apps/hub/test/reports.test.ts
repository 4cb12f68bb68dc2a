import { platforms, statusReports } from "@yunlian/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformClient } from "./support/client.ts";
import { devices, loginAs, startWorld, type World } from "./support/world.ts";

/** The inbound dataGateway and the admin deliveries API, on the embedded default (PGlite, in-process delivery). */
describe("status reports through the hub (embedded mode)", () => {
  let w: World;
  let washer: string;

  beforeAll(async () => {
    w = await startWorld("pglite", { HUB_DELIVERY_BACKOFF: "0s,50ms,50ms" });
    const alice = await loginAs(w, "alice", "alice-token-1");
    washer = w.vendors[0]?.deviceIds[0] ?? "";
    await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([washer]) });
  }, 60_000);
  afterAll(async () => w?.close());

  const report = (deviceId: string, status: Record<string, string> = { onOffStatus: "True" }) => ({
    TimeStamp: String(Date.now()),
    "DeviceID ": deviceId, // the standard's own quirky key
    DataType: "attr",
    " DeviceStatus": status,
  });

  it("refuses a vendor reporting a device of another vendor's manufacturer code (403), storing nothing", async () => {
    const [a, b] = w.vendors;
    if (!a || !b) throw new Error("vendors");
    const asA = platformClient(w.hub.url, { platId: a.platId, appSecret: a.appSecret });
    const res = await asA("dataservices/dataGateway", report(b.deviceIds[0] ?? ""));
    expect(res.status).toBe(403);
    expect(res.body.RetCode).toBe("403");
    const view = await w.admin.get(`/admin/v1/devices/${b.deviceIds[0]}`);
    expect(view.body.reports).toEqual([]);
  });

  it("refuses a report that is not the standard's shape (400) and an unsigned one (401)", async () => {
    const a = w.vendors[0];
    if (!a) throw new Error("vendor");
    const asA = platformClient(w.hub.url, { platId: a.platId, appSecret: a.appSecret });
    const bad = await asA("dataservices/dataGateway", { DeviceID: washer, DataType: "weather" });
    expect(bad.status).toBe(400);
    const unsigned = await platformClient(w.hub.url, { platId: a.platId })(
      "dataservices/dataGateway",
      report(washer),
    );
    expect(unsigned.status).toBe(401);
  });

  it("retries a failing receiver on the schedule, marks it dead, and delivers on replay", async () => {
    const a = w.vendors[0];
    if (!a) throw new Error("vendor");
    w.app.setReceiverMode("fail500");
    const before = w.app.reports.length;
    const res = await platformClient(w.hub.url, { platId: a.platId, appSecret: a.appSecret })(
      "dataservices/dataGateway",
      report(washer, { laundryCycle: "7" }),
    );
    expect(res.body).toMatchObject({ RetCode: "200", Deliveries: 1 });

    const dead = await until(async () => {
      const list = await w.admin.get(
        `/admin/v1/deliveries?platId=APP-PLAT-0001&status=dead&device=${washer}`,
      );
      return (list.body.deliveries as { id: string; attempts: number }[])[0];
    });
    expect(dead.attempts).toBe(3);
    const detail = await w.admin.get(`/admin/v1/deliveries/${dead.id}`);
    expect((detail.body.attempts as { httpStatus: number }[]).map((x) => x.httpStatus)).toEqual([
      500, 500, 500,
    ]);
    const attempts = w.app.reports.slice(before);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((r) => r.webhookId))).toEqual(new Set([dead.id]));

    w.app.setReceiverMode("ok");
    expect((await w.admin.post(`/admin/v1/deliveries/${dead.id}/replay`, {})).status).toBe(202);
    expect((await w.admin.post(`/admin/v1/deliveries/${dead.id}/replay`, {})).status).toBeOneOf([202, 409]);
    await until(async () => {
      const one = await w.admin.get(`/admin/v1/deliveries/${dead.id}`);
      return one.body.status === "delivered" ? one : undefined;
    });
    const last = w.app.reports.at(-1);
    expect(last?.webhookId).toBe(dead.id);
    expect(last?.signatureValid).toBe(true);
    expect((await w.admin.post("/admin/v1/deliveries/msg_nope/replay", {})).status).toBe(404);
    expect((await w.admin.get("/admin/v1/deliveries?status=lost")).status).toBe(400);
  });

  // Last in this file: it removes vendor B. Deleted in the database only, so this hub's registry
  // still knows B, as a hub does between an operator's deletion and its announcement.
  it("a vendor deleted while its report is in flight gets 401 with the reason, and nothing is stored", async () => {
    const b = w.vendors[1];
    const device = b?.deviceIds[0];
    if (!b || !device) throw new Error("vendor");
    await w.hub.hub.database.db.delete(platforms).where(eq(platforms.platId, b.platId));
    const res = await platformClient(w.hub.url, { platId: b.platId, appSecret: b.appSecret })(
      "dataservices/dataGateway",
      report(device),
    );
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ RetCode: "401" });
    expect(String(res.body.RetInfo)).toContain(`platform ${b.platId} no longer exists`);
    const stored = await w.hub.hub.database.db
      .select()
      .from(statusReports)
      .where(eq(statusReports.udeviceId, device));
    expect(stored).toEqual([]);
  });
});

async function until<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - start > ms) throw new Error(`not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
