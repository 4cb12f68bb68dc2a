import { miotSimAdapterConfig, startMiotSim } from "@yunlian/adapter-miot/sim";
import { startTuyaSim, tuyaSimAdapterConfig } from "@yunlian/adapter-tuya/sim";
import { platforms } from "@yunlian/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/harness.ts";
import { devices, loginAs, startWorld, type World } from "./support/world.ts";

type MiotSim = Awaited<ReturnType<typeof startMiotSim>>;
type TuyaSim = Awaited<ReturnType<typeof startTuyaSim>>;

/**
 * One app platform, three vendors behind one hub — a standard cloud, a MIoT-spec style cloud
 * and a Tuya-OpenAPI style cloud: the same standard calls operate all three, and changes made
 * at each native cloud reach the app platform as standard status reports.
 */
describe("standard, MIoT-style and Tuya-style vendors behind one hub", () => {
  let w: World;
  let miot: MiotSim;
  let tuya: TuyaSim;

  async function register(
    platId: string,
    code: string,
    adapter: string,
    adapterConfig: unknown,
    port: number,
  ) {
    const res = await w.admin.post("/admin/v1/platforms", {
      platId,
      name: platId,
      manufacturerCodes: [code],
      adapter,
      adapterConfig,
      apiBaseUrl: `http://127.0.0.1:${port}`,
    });
    if (res.status !== 201) throw new Error(`register ${platId}: ${JSON.stringify(res.body)}`);
    return String(res.body.appSecret);
  }

  beforeAll(async () => {
    w = await startWorld("pglite");
    const gateway = `${w.hub.url}/v1/dataservices/dataGateway`;
    const miotPort = await freePort();
    const miotSecret = await register("VENDOR-MIOT", "000021", "miot", miotSimAdapterConfig(), miotPort);
    miot = await startMiotSim({
      port: miotPort,
      platId: "VENDOR-MIOT",
      verifyUrl: `${w.hub.url}/v1/user/verify`,
      pushUrl: gateway,
      appSecret: miotSecret,
    });
    const tuyaPort = await freePort();
    const tuyaSecret = await register("VENDOR-TUYA", "000022", "tuya", tuyaSimAdapterConfig(), tuyaPort);
    tuya = await startTuyaSim({
      port: tuyaPort,
      platId: "VENDOR-TUYA",
      pushUrl: gateway,
      appSecret: tuyaSecret,
    });
  }, 60_000);
  afterAll(async () => {
    await miot?.close();
    await tuya?.close();
    await w?.close();
  });

  it("keeps the Tuya client secret encrypted at rest and redacted in answers", async () => {
    const [row] = await w.hub.hub.database.db
      .select({ config: platforms.adapterConfig })
      .from(platforms)
      .where(eq(platforms.platId, "VENDOR-TUYA"));
    expect(JSON.stringify(row?.config)).not.toContain("tuya-sim-secret");
    expect(JSON.stringify(row?.config)).toContain("$sealed");
    const shown = await w.admin.get("/admin/v1/platforms/VENDOR-TUYA");
    expect((shown.body.adapterConfig as { clientSecret: string }).clientSecret).toBe("***");
  });

  it("binds, operates and reads all three with the same standard calls; native changes arrive as standard reports", async () => {
    const standardWasher = w.vendors[0]?.deviceIds[0] ?? "";
    const miotWasher = miot.deviceIds.find((id) => id.slice(8, 13) === "02002") ?? "";
    const tuyaWasher = tuya.deviceIds.find((id) => id.slice(8, 13) === "02002") ?? "";
    const all = [standardWasher, miotWasher, tuyaWasher];
    const alice = await loginAs(w, "alice", "alice-token-1");

    const bind = await w.call("user/bindDevices", { UserID: alice.userId, Device: devices(all) });
    expect(bind.body).toMatchObject({ RetCode: "200", FailedIDs: [] });

    const op = await w.call(
      "devices/op",
      { UserID: alice.userId, Device: devices(all, { onOffStatus: "True", laundryCycle: "5" }) },
      { AccessToken: alice.accessToken },
    );
    expect(op.body.RetInfo).toBe("ok");

    const status = await w.call("devices/deviceStatus", { UserID: alice.userId, Device: devices(all) });
    expect(status.body.RetCode).toBe("200");
    const entries = status.body.Device as {
      DeviceInfo: { deviceID: string };
      DeviceAttr: Record<string, string>;
    }[];
    expect(entries.map((e) => e.DeviceInfo.deviceID)).toEqual(all);
    for (const e of entries) expect(e.DeviceAttr).toMatchObject({ onOffStatus: "True", laundryCycle: "5" });

    // Changes made at each appliance, in each cloud's native push format.
    const a = w.vendors[0];
    if (!a) throw new Error("vendor");
    await a.cloud.setDeviceAttrs(standardWasher, { runningstatus: "2" });
    await miot.changeAtAppliance(miot.didOf(miotWasher), { "2.2": 2 });
    await tuya.changeAtAppliance(tuya.idOf(tuyaWasher), { work_state: "pause" });
    const reports = await w.app.waitForReports(3, 10_000);
    const byDevice = new Map(
      reports.map((r) => [
        (r.body as { DeviceID: string }).DeviceID,
        r.body as { DeviceStatus: Record<string, string> },
      ]),
    );
    for (const id of all) expect(byDevice.get(id)?.DeviceStatus.runningstatus).toBe("2");
    expect(reports.every((r) => r.signatureValid)).toBe(true);
  }, 30_000);

  it("a command the vendor's mapping cannot express is the caller's 400, named by the adapter", async () => {
    const miotWasher = miot.deviceIds.find((id) => id.slice(8, 13) === "02002") ?? "";
    const bob = await loginAs(w, "bob", "bob-token-1");
    const bind = await w.call("user/bindDevices", { UserID: bob.userId, Device: devices([miotWasher]) });
    expect(bind.body).toMatchObject({ RetCode: "200", FailedIDs: [] });
    // The MIoT mapping takes programmes 1–8: 12 is the caller's mistake, not the vendor's (one error map).
    const op = await w.call(
      "devices/op",
      { UserID: bob.userId, Device: devices([miotWasher], { laundryCycle: "12" }) },
      { AccessToken: bob.accessToken },
    );
    expect(op.status).toBe(400);
    expect(op.body).toMatchObject({ RetCode: "400", FailedIDs: [miotWasher] });
    expect(String(op.body.RetInfo)).toContain("laundryCycle");
  });
});
