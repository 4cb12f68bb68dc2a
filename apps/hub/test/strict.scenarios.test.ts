/**
 * Issue 15, "Tests": the standard's scenarios 1 and 2 end to end with clouds and an app platform
 * built to the letter of the standard (vendor-sim strict mode), over real HTTP through the hub's
 * real listener, on both storages. The strict app reads any HTTP status but 200 as a transport
 * failure (so every answer here is HTTP 200, the verdict in RetCode), sends PlateID and no
 * signature; the strict clouds answer only "200"/"500", expire sessions on their own clock and
 * report with no header at all to their ingestUrl. Vendor A names devices by UDeviceID and sends
 * DeviceStatus as a JSON string; vendor B names them by its own ID (adapterConfig.deviceIds
 * "vendor" at the hub, deviceIds "vendor" at the cloud). Last, a strict and a lenient vendor
 * answer one request together.
 */

import { PREFIX_LENGTH } from "@yunlian/protocol";
import type { DeviceCloud } from "@yunlian/vendor-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  answerOf,
  SESSION_TTL_MS,
  type StrictWorld,
  startStrictWorldIfAvailable,
} from "./support/strict-world.ts";
import { bothStorages, devices } from "./support/world.ts";

const WASHER_A = "0000060102002001SIM000001";
const AC_B = "0000070103001001SIM000002";

/** The cloud's own ID of a device: the UDeviceID's vendor part (7.2.8's `"DeviceID": "C8934610162D"`). */
const vendorId = (udid: string) => udid.slice(PREFIX_LENGTH);
const count = (cloud: DeviceCloud, api: string) => cloud.calls.filter((c) => c.api === api).length;
const logins = (cloud: DeviceCloud) => count(cloud, "user/login");
/** The last call of `api` the cloud received, and the device IDs it named, as sent on the wire. */
const lastCall = (cloud: DeviceCloud, api: string) => {
  const call = cloud.calls.filter((c) => c.api === api).at(-1);
  const body = call?.body as { Device?: { DeviceInfo: { deviceID: string } }[] } | undefined;
  return { headers: call?.headers ?? {}, named: body?.Device?.map((d) => d.DeviceInfo.deviceID) };
};
type Info = { deviceID: string } & Record<string, unknown>;
const entries = (body: Record<string, unknown>) =>
  body.Device as { DeviceInfo: Info; DeviceAttr?: Record<string, string> }[];
const ids = (body: Record<string, unknown>) => entries(body).map((d) => d.DeviceInfo.deviceID);

describe.each(bothStorages)("strict clouds and a strict app through the hub on $storage", ({ storage }) => {
  let world: StrictWorld | undefined;

  beforeAll(async () => {
    // Scenario 2's rule runs in the strict app and acts for bob through the hub.
    world = await startStrictWorldIfAvailable(storage, [
      {
        when: { deviceId: WASHER_A, attr: "runningstatus", equals: "3" },
        act: { loginId: "bob", deviceId: AC_B, attrs: { onOffStatus: "True", mode: "dry" } },
      },
    ]);
  }, 90_000);
  afterAll(async () => world?.close());

  it("scenario 1: login, info before binding, bind, list, info, modify, op, status, session expiry, headerless reports, logout, unbind, unregister", async (ctx) => {
    if (!world) return ctx.skip();
    const { client, app } = world;
    const [a, b] = world.vendors;
    const [a1, a2] = a.deviceIds;
    const [b1, , b3] = b.deviceIds;
    if (!a1 || !a2 || !b1 || !b3) throw new Error("sim devices expected");
    const call = async (api: string, body: Record<string, unknown>, accessToken?: string) =>
      answerOf(await client.call(api, body, accessToken ? { accessToken } : {}));

    // Login (7.1.1): AuthToken in the header, PlateID; the hub asks the app's verify URL (7.1.4).
    const alice = await client.login("alice", "alice-token-1");
    expect(alice.userId).toMatch(/^U[0-9A-Z]{19}$/);
    const verified = app.verifyCalls.at(-1);
    expect(verified?.retCode).toBe("200");
    expect(verified?.body).toMatchObject({
      User: [{ UserBase: { loginID: "alice" } }],
      AuthToken: "alice-token-1",
    });
    const refused = await call("user/login", {
      User: [{ UserBase: { loginID: "alice" } }],
      AuthToken: "nope",
    });
    expect(refused).toMatchObject({ status: 200, retCode: "401" });
    expect(app.verifyCalls.at(-1)?.retCode).toBe("500");

    // deviceInfo before binding (7.2.4): answered, the binding's fields null; B is asked by its own ID.
    const before = await call("devices/deviceInfo", { UserID: alice.userId, Device: devices([a1, b1]) });
    expect(before).toMatchObject({ status: 200, retCode: "200" });
    expect(entries(before.body).map((d) => d.DeviceInfo)).toEqual([
      expect.objectContaining({ deviceID: a1, model: "SIM-WASH-1", brand: "SimBrand", name: null }),
      expect.objectContaining({ deviceID: b1, model: "SIM-WASH-1", brand: "SimBrand", name: null }),
    ]);
    expect(lastCall(a.cloud, "devices/deviceInfo").named).toEqual([a1]);
    expect(lastCall(b.cloud, "devices/deviceInfo").named).toEqual([vendorId(b1)]);
    // Status and op stay 403 before binding; the clouds are not asked.
    const statusBefore = await call("devices/deviceStatus", { UserID: alice.userId, Device: devices([a1]) });
    expect(statusBefore).toMatchObject({ status: 200, retCode: "403" });
    expect(count(a.cloud, "devices/deviceStatus")).toBe(0);

    // Bind (7.2.1): B gets its own IDs; both get the AppID they gave the hub (tables 29, 35).
    // An unknown maker is refused by the hub; a device B does not have, by B (FailedIDs in its own
    // IDs, mapped back to the UDeviceID the app named).
    const unknown = "000099010200100XYZ";
    const noSuchAtB = "0000070102002001NOSUCH0001";
    const bind = await call("user/bindDevices", {
      UserID: alice.userId,
      Device: devices([a1, a2, b1, unknown, noSuchAtB]),
    });
    expect(bind).toMatchObject({ status: 200, retCode: "200" });
    expect(new Set(bind.body.FailedIDs as string[])).toEqual(new Set([unknown, noSuchAtB]));
    expect(lastCall(a.cloud, "user/bindDevices")).toMatchObject({ named: [a1, a2] });
    expect(lastCall(a.cloud, "user/bindDevices").headers.appid).toBe("STRICT-A-0000-APPID");
    expect(lastCall(b.cloud, "user/bindDevices")).toMatchObject({
      named: [vendorId(b1), vendorId(noSuchAtB)],
    });
    expect(lastCall(b.cloud, "user/bindDevices").headers.appid).toBe("STRICT-B-0000-APPID");

    // List (7.2.3): the strict answers' "deviceID " keys and B's own IDs come back as UDeviceIDs.
    const list = await call("users/devices", { UserID: alice.userId });
    expect(list).toMatchObject({ status: 200, retCode: "200" });
    expect(new Set(ids(list.body))).toEqual(new Set([a1, a2, b1]));

    const info = await call("devices/deviceInfo", { UserID: alice.userId, Device: devices([b1, a1]) });
    expect(info).toMatchObject({ status: 200, retCode: "200" });
    expect(ids(info.body)).toEqual([b1, a1]);

    // modifyDeviceInfo (7.2.5) reaches B under its own ID.
    const modify = await call("devices/modifyDeviceInfo", {
      UserID: alice.userId,
      Device: [{ DeviceInfo: { deviceID: b1, model: "RENAMED-MODEL" } }],
    });
    expect(modify).toMatchObject({ status: 200, retCode: "200" });
    expect(b.cloud.devices.get(b1)?.info.model).toBe("RENAMED-MODEL");
    expect(lastCall(b.cloud, "devices/modifyDeviceInfo").named).toEqual([vendorId(b1)]);

    // Op (7.2.7) with the AccessToken; B is told its own ID. Programme 20 is the vendor's business.
    const op = await call(
      "devices/op",
      { UserID: alice.userId, Device: devices([a1, b1], { onOffStatus: "True", laundryCycle: "20" }) },
      alice.accessToken,
    );
    expect(op).toMatchObject({ status: 200, retCode: "200" });
    expect(a.cloud.devices.get(a1)?.attrs).toMatchObject({ onOffStatus: "True", laundryCycle: "20" });
    expect(b.cloud.devices.get(b1)?.attrs).toMatchObject({ onOffStatus: "True", laundryCycle: "20" });
    expect(lastCall(b.cloud, "devices/op").named).toEqual([vendorId(b1)]);

    // Status (7.2.6): the strict answer is positional with stray-space keys; the hub's is canonical.
    const status = await call("devices/deviceStatus", { UserID: alice.userId, Device: devices([b1, a1]) });
    expect(status).toMatchObject({ status: 200, retCode: "200" });
    expect(ids(status.body)).toEqual([b1, a1]);
    expect(entries(status.body).map((d) => d.DeviceAttr)).toEqual([
      b.cloud.devices.get(b1)?.attrs,
      a.cloud.devices.get(a1)?.attrs,
    ]);

    // The clouds expire every session (their clock moves past the TTL): the next op still
    // succeeds, with exactly one extra login at each cloud and the op repeated once there.
    const before2 = { la: logins(a.cloud), lb: logins(b.cloud), oa: count(a.cloud, "devices/op") };
    const obBefore = count(b.cloud, "devices/op");
    world.clock.advance(SESSION_TTL_MS + 1);
    const afterExpiry = await call(
      "devices/op",
      { UserID: alice.userId, Device: devices([a1, b1], { onOffStatus: "False" }) },
      alice.accessToken,
    );
    expect(afterExpiry).toMatchObject({ status: 200, retCode: "200" });
    expect(a.cloud.devices.get(a1)?.attrs.onOffStatus).toBe("False");
    expect(b.cloud.devices.get(b1)?.attrs.onOffStatus).toBe("False");
    expect([logins(a.cloud), logins(b.cloud)]).toEqual([before2.la + 1, before2.lb + 1]);
    expect([count(a.cloud, "devices/op"), count(b.cloud, "devices/op")]).toEqual([
      before2.oa + 2,
      obBefore + 2,
    ]);
    // The new sessions are kept: the next call logs in nowhere.
    const again = await call("devices/deviceStatus", { UserID: alice.userId, Device: devices([a1, b1]) });
    expect(again.retCode).toBe("200");
    expect([logins(a.cloud), logins(b.cloud)]).toEqual([before2.la + 1, before2.lb + 1]);

    // Reports (7.2.8) with no header at all to each vendor's ingestUrl reach the strict app.
    expect(a.cloud.reportUrl).toBe(a.ingestUrl);
    const wireA = a.cloud.buildReport({ DeviceID: a1, DeviceStatus: { laundryCycle: "7" } });
    expect(typeof wireA.DeviceStatus).toBe("string");
    const seen = app.reports.length;
    const pushedA = await a.cloud.setDeviceAttrs(a1, { laundryCycle: "7" });
    expect(pushedA?.status).toBe(200);
    expect(pushedA?.json).toMatchObject({ RetCode: "200" });
    const [fromA] = (await app.waitForReports(seen + 1)).slice(seen);
    expect(fromA?.headers.platid).toBe("YUNLIAN-HUB-0000");
    expect(JSON.parse(fromA?.text ?? "{}")).toMatchObject({
      DeviceID: a1,
      DataType: "attr",
      DeviceStatus: { laundryCycle: "7" },
    });

    // B names the device by its own ID ("DeviceID " and "onOffStatus " as the example writes them).
    expect(b.cloud.buildReport({ DeviceID: b1, DeviceStatus: { onOffStatus: "True" } })).toMatchObject({
      "DeviceID ": vendorId(b1),
      DeviceStatus: { "onOffStatus ": "True" },
    });
    const pushedB = await b.cloud.setDeviceAttrs(b1, { onOffStatus: "True" });
    expect(pushedB?.status).toBe(200);
    const [fromB] = (await app.waitForReports(seen + 2)).slice(seen + 1);
    expect(JSON.parse(fromB?.text ?? "{}")).toMatchObject({
      DeviceID: b1,
      DataType: "attr",
      DeviceStatus: { onOffStatus: "True" },
    });

    // B's own ID of a device nobody bound maps to no UDeviceID: refused (404), never delivered.
    const unmapped = await b.cloud.pushReport({ DeviceID: b3, DeviceStatus: { onOffStatus: "True" } });
    expect(unmapped.status).toBe(404);
    expect(unmapped.json).toMatchObject({ RetCode: "404" });
    // An alarm with a key the standard only shows by example, DeviceStatus as a string: delivered
    // canonical, and next in line (the refused report before it was not delivered).
    const alarm = await a.cloud.pushReport({
      DeviceID: a1,
      DataType: "alarm",
      DeviceStatus: { doorOpen: "1" },
    });
    expect(alarm.status).toBe(200);
    const [next] = (await app.waitForReports(seen + 3)).slice(seen + 2);
    expect(JSON.parse(next?.text ?? "{}")).toMatchObject({
      DeviceID: a1,
      DataType: "alarm",
      DeviceStatus: { doorOpen: "1" },
    });
    // Offline, as the example writes it (" DeviceStatus"): from A as a string, from B by its own ID.
    expect(
      a.cloud.buildReport({ DeviceID: a1, DataType: "onOffline", DeviceStatus: { onLine: "False" } }),
    ).toEqual(expect.objectContaining({ " DeviceStatus": '{"onLine":"False"}' }));
    for (const [cloud, id] of [
      [a.cloud, a1],
      [b.cloud, b1],
    ] as const) {
      const n = app.reports.length;
      const pushed = await cloud.pushReport({
        DeviceID: id,
        DataType: "onOffline",
        DeviceStatus: { onLine: "False" },
      });
      expect(pushed.status).toBe(200);
      const [offline] = (await app.waitForReports(n + 1)).slice(n);
      expect(JSON.parse(offline?.text ?? "{}")).toMatchObject({
        DeviceID: id,
        DataType: "onOffline",
        DeviceStatus: { onLine: "False" },
      });
    }

    // Logout ends the hub's session at each vendor (the vendor's user/logout).
    const outs = { a: count(a.cloud, "user/logout"), b: count(b.cloud, "user/logout") };
    const logout = await call("user/logout", {}, alice.accessToken);
    expect(logout).toMatchObject({ status: 200, retCode: "200" });
    expect([count(a.cloud, "user/logout"), count(b.cloud, "user/logout")]).toEqual([outs.a + 1, outs.b + 1]);
    const afterLogout = await call(
      "devices/op",
      { UserID: alice.userId, Device: devices([a1], { onOffStatus: "True" }) },
      alice.accessToken,
    );
    expect(afterLogout).toMatchObject({ status: 200, retCode: "401" });

    // Unbind (7.2.2), then unregister (7.1.3): the bindings go at the clouds too, B's by its own ID.
    const back = await client.login("alice", "alice-token-1");
    expect(back.userId).toBe(alice.userId);
    const unbind = await call("user/unbindDevices", { UserID: alice.userId, Device: devices([a2]) });
    expect(unbind).toMatchObject({ status: 200, retCode: "200" });
    expect(unbind.body.FailedIDs).toEqual([]);
    expect(lastCall(a.cloud, "user/unbindDevices").named).toEqual([a2]);
    const opUnbound = await call(
      "devices/op",
      { UserID: alice.userId, Device: devices([a2], { onOffStatus: "True" }) },
      back.accessToken,
    );
    expect(opUnbound).toMatchObject({ status: 200, retCode: "403" });
    const unregister = await call(
      "user/unregister",
      { User: [{ UserBase: { loginID: "alice", status: "2" } }] },
      back.accessToken,
    );
    expect(unregister).toMatchObject({ status: 200, retCode: "200" });
    expect(lastCall(a.cloud, "user/unbindDevices").named).toEqual([a1]);
    expect(lastCall(b.cloud, "user/unbindDevices").named).toEqual([vendorId(b1)]);
    const gone = await call("users/devices", { UserID: alice.userId });
    expect(gone).toMatchObject({ status: 200, retCode: "404" });
  }, 60_000);

  it("scenario 2: A's headerless report reaches the strict app, whose rule operates B's device (its own ID) through the hub after B's session expired", async (ctx) => {
    if (!world) return ctx.skip();
    const { client, app } = world;
    const [a, b] = world.vendors;
    const bob = await client.login("bob", "bob-token-1");
    const bind = answerOf(
      await client.call("user/bindDevices", { UserID: bob.userId, Device: devices([WASHER_A, AC_B]) }),
    );
    expect(bind).toMatchObject({ status: 200, retCode: "200" });
    expect(bind.body.FailedIDs).toEqual([]);
    expect(b.cloud.devices.get(AC_B)?.attrs.onOffStatus).toBe("False");

    // Mid-scenario the clouds expire every session.
    world.clock.advance(SESSION_TTL_MS + 1);
    const loginsB = logins(b.cloud);
    const opsB = count(b.cloud, "devices/op");
    const seen = app.reports.length;
    const linked = app.linkage.length;

    // The washer finishes its cycle; A reports to its ingestUrl ("runningstatus " as the example writes it).
    const pushed = await a.cloud.setDeviceAttrs(WASHER_A, { runningstatus: "3" });
    expect(pushed?.status).toBe(200);
    expect(pushed?.json).toMatchObject({ RetCode: "200" });
    const [report] = (await app.waitForReports(seen + 1, 10_000)).slice(seen);
    expect(JSON.parse(report?.text ?? "{}")).toMatchObject({
      DeviceID: WASHER_A,
      DataType: "attr",
      DeviceStatus: { runningstatus: "3" },
    });

    const [outcome] = (await app.waitForLinkage(linked + 1, 10_000)).slice(linked);
    expect(outcome).toMatchObject({ deviceId: AC_B, status: 200, retCode: "200" });
    expect(b.cloud.devices.get(AC_B)?.attrs).toMatchObject({ onOffStatus: "True", mode: "dry" });
    expect(lastCall(b.cloud, "devices/op").named).toEqual([vendorId(AC_B)]);
    expect(logins(b.cloud)).toBe(loginsB + 1);
    expect(count(b.cloud, "devices/op")).toBe(opsB + 2);
  }, 60_000);

  it("mixed: a strict and a lenient vendor behind one hub answer one request of the strict app together", async (ctx) => {
    if (!world) return ctx.skip();
    const { client, app } = world;
    const [a, b] = world.vendors;
    const lenient = await world.addLenientVendor("LENIENT-C-0000", "000008");
    const [c1] = lenient.deviceIds;
    const a4 = a.deviceIds[3];
    const b4 = b.deviceIds[3];
    if (!c1 || !a4 || !b4) throw new Error("sim devices expected");
    const alice = await client.login("alice", "alice-token-1");
    const call = async (api: string, body: Record<string, unknown>, accessToken?: string) =>
      answerOf(await client.call(api, body, accessToken ? { accessToken } : {}));

    const bind = await call("user/bindDevices", { UserID: alice.userId, Device: devices([c1, b4, a4]) });
    expect(bind).toMatchObject({ status: 200, retCode: "200" });
    expect(bind.body.FailedIDs).toEqual([]);

    const status = await call("devices/deviceStatus", {
      UserID: alice.userId,
      Device: devices([c1, b4, a4]),
    });
    expect(status).toMatchObject({ status: 200, retCode: "200" });
    expect(ids(status.body)).toEqual([c1, b4, a4]);
    expect(entries(status.body).map((d) => d.DeviceAttr)).toEqual([
      lenient.cloud.devices.get(c1)?.attrs,
      b.cloud.devices.get(b4)?.attrs,
      a.cloud.devices.get(a4)?.attrs,
    ]);

    const op = await call(
      "devices/op",
      { UserID: alice.userId, Device: devices([b4, c1], { onOffStatus: "True" }) },
      alice.accessToken,
    );
    expect(op).toMatchObject({ status: 200, retCode: "200" });
    expect(lenient.cloud.devices.get(c1)?.attrs.onOffStatus).toBe("True");
    expect(b.cloud.devices.get(b4)?.attrs.onOffStatus).toBe("True");
    expect(lastCall(b.cloud, "devices/op").named).toEqual([vendorId(b4)]);
    expect(lastCall(lenient.cloud, "devices/op").named).toEqual([c1]);

    // Reports of both kinds reach the strict app: the lenient one signed, with headers, to the shared route.
    const seen = app.reports.length;
    expect((await lenient.cloud.setDeviceAttrs(c1, { laundryCycle: "9" }))?.status).toBe(200);
    expect((await b.cloud.setDeviceAttrs(b4, { mode: "heat" }))?.status).toBe(200);
    const delivered = (await app.waitForReports(seen + 2)).slice(seen).map((r) => JSON.parse(r.text));
    // Two reports, two deliveries: in whichever order the queue sends them.
    expect(delivered).toHaveLength(2);
    expect(delivered).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ DeviceID: c1, DeviceStatus: { laundryCycle: "9" } }),
        expect.objectContaining({ DeviceID: b4, DeviceStatus: { mode: "heat" } }),
      ]),
    );
  }, 60_000);
});
