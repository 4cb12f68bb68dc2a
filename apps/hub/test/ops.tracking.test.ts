import { TEST_REDIS_URL, uniquePrefix } from "@yunlian/delivery/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changingCommand, eventually, getOp } from "./support/ops.ts";
import { selfClient } from "./support/self-client.ts";
import { addAppPlatform, devices, loginAs, startWorldIfAvailable, type World } from "./support/world.ts";

/** Embedded (PGlite, in-process delivery) and production shape (PostgreSQL + Redis/BullMQ). */
const storages: { storage: "pglite" | "postgres"; env: Record<string, string> }[] = [
  { storage: "pglite", env: {} },
  { storage: "postgres", env: { REDIS_URL: TEST_REDIS_URL, HUB_QUEUE_PREFIX: uniquePrefix("ops") } },
];

describe.each(storages)("devices/op tracking on $storage (docs/design.md §7)", ({ storage, env }) => {
  let w: World | undefined;
  let alice = { userId: "", accessToken: "" };
  let bob = { userId: "", accessToken: "" };

  beforeAll(async () => {
    // Short enough for the timeout cases, long enough for a report sent right after the op.
    w = await startWorldIfAvailable(storage, { HUB_OP_CONFIRM_TIMEOUT: "4s", ...env });
    if (!w) return;
    alice = await loginAs(w, "alice", "alice-token-1");
    bob = await loginAs(w, "bob", "bob-token-1");
    const [a, b] = w.vendors;
    const bound = await w.call("user/bindDevices", {
      UserID: alice.userId,
      Device: devices([...(a?.deviceIds ?? []), ...(b?.deviceIds.slice(0, 2) ?? []), b?.deviceIds[3] ?? ""]),
    });
    expect(bound.body.FailedIDs).toEqual([]);
  }, 60_000);
  afterAll(async () => w?.close());

  const world = () => {
    if (!w) throw new Error("no world");
    const [a, b] = w.vendors;
    if (!a || !b) throw new Error("two vendors expected");
    return { w: w as World, a, b };
  };
  const op = (body: unknown) => world().w.call("devices/op", body, { AccessToken: alice.accessToken });
  const read = (opId: string, who: { userId?: string; accessToken?: string } = alice) =>
    getOp(world().w.hub.url, world().w.appCreds, opId, who);

  it("answers an OpID, pending until a report shows every commanded attribute at its value", async (ctx) => {
    if (!w) return ctx.skip();
    const { a } = world();
    const id = a.deviceIds[0] ?? "";
    const command = changingCommand(a.cloud, id);
    const sent = await op({ UserID: alice.userId, Device: devices([id], command) });
    expect(sent.body.RetCode).toBe("200");
    const opId = String(sent.body.OpID);
    expect(opId).toMatch(/^op_[0-9a-z]+$/);

    expect((await read(opId)).body).toEqual({
      RetCode: "200",
      RetInfo: "ok",
      OpID: opId,
      Status: "pending",
      Device: [{ deviceID: id, Status: "pending" }],
    });
    // A report of the device in another state confirms nothing.
    const [key] = Object.keys(command);
    await a.cloud.pushReport({ DeviceID: id, DeviceStatus: { [key ?? ""]: "something else" } });
    expect((await read(opId)).body.Status).toBe("pending");
    // The sim applied the command: its report of the device's state now shows it.
    const pushed = await a.cloud.pushReport({ DeviceID: id });
    expect(pushed.status).toBe(200);
    const confirmed = await read(opId);
    expect(confirmed.body.Status).toBe("confirmed");
    expect(confirmed.body.Device).toEqual([{ deviceID: id, Status: "confirmed" }]);
    // Without UserID, the AccessToken names the user.
    expect((await read(opId, { accessToken: alice.accessToken })).body.Status).toBe("confirmed");

    const metrics = await w.admin.get("/metrics");
    const text = String(metrics.body.raw);
    expect(text).toMatch(/yunlian_ops_total\{vendor="VENDOR-A-0000",outcome="confirmed"\} [1-9]/);
    expect(text).toMatch(/yunlian_op_confirmation_seconds_count\{vendor="VENDOR-A-0000"\} [1-9]/);
  });

  it("times out an op no report confirms within HUB_OP_CONFIRM_TIMEOUT", async (ctx) => {
    if (!w) return ctx.skip();
    const { a } = world();
    const id = a.deviceIds[1] ?? "";
    const sent = await op({ UserID: alice.userId, Device: devices([id], changingCommand(a.cloud, id)) });
    const opId = String(sent.body.OpID);
    const done = await eventually(
      () => read(opId),
      (r) => r.body.Status !== "pending",
      "op status",
    );
    expect(done.body.Status).toBe("timeout");
    expect(done.body.Device).toEqual([{ deviceID: id, Status: "timeout" }]);
    // The sweeper settled it: the metric counts it (read until the sweep has run).
    await eventually(
      async () => String((await w?.admin.get("/metrics"))?.body.raw),
      (t) => /yunlian_ops_total\{vendor="VENDOR-A-0000",outcome="timeout"\} [1-9]/.test(t),
      "timeout metric",
    );
  });

  it("an op on two vendors' devices where one confirms: that one confirmed, the other timeout, the op timeout", async (ctx) => {
    if (!w) return ctx.skip();
    const { a, b } = world();
    const ida = a.deviceIds[2] ?? "";
    const idb = b.deviceIds[0] ?? "";
    const sent = await op({
      UserID: alice.userId,
      Device: [
        { DeviceInfo: { deviceID: ida }, DeviceAttr: changingCommand(a.cloud, ida) },
        { DeviceInfo: { deviceID: idb }, DeviceAttr: changingCommand(b.cloud, idb) },
      ],
    });
    expect(sent.body.RetCode).toBe("200");
    const opId = String(sent.body.OpID);
    await a.cloud.pushReport({ DeviceID: ida });
    const half = await read(opId);
    expect(half.body.Status).toBe("pending");
    expect(half.body.Device).toEqual([
      { deviceID: ida, Status: "confirmed" },
      { deviceID: idb, Status: "pending" },
    ]);
    const done = await eventually(
      () => read(opId),
      (r) => r.body.Status !== "pending",
      "op status",
    );
    expect(done.body.Status).toBe("timeout");
    expect(done.body.Device).toEqual([
      { deviceID: ida, Status: "confirmed" },
      { deviceID: idb, Status: "timeout" },
    ]);
  });

  it("a device the vendor refused is failed, and so is the op", async (ctx) => {
    if (!w) return ctx.skip();
    const { a, b } = world();
    const ida = a.deviceIds[3] ?? "";
    const idb = b.deviceIds[1] ?? "";
    const sent = await op({
      UserID: alice.userId,
      Device: [
        // The sim refuses an attribute the device does not have.
        { DeviceInfo: { deviceID: ida }, DeviceAttr: { noSuchAttribute: "1" } },
        { DeviceInfo: { deviceID: idb }, DeviceAttr: changingCommand(b.cloud, idb) },
      ],
    });
    expect(sent.body.FailedIDs).toEqual([ida]);
    const opId = String(sent.body.OpID);
    const read1 = await read(opId);
    expect(read1.body.Status).toBe("failed");
    expect(read1.body.Device).toEqual([
      { deviceID: ida, Status: "failed" },
      { deviceID: idb, Status: "pending" },
    ]);
  });

  it("another user, another platform or an unknown OpID: 404", async (ctx) => {
    if (!w) return ctx.skip();
    const { w: world1, a } = world();
    const id = a.deviceIds[0] ?? "";
    const sent = await op({ UserID: alice.userId, Device: devices([id], changingCommand(a.cloud, id)) });
    const opId = String(sent.body.OpID);
    expect((await read(opId)).status).toBe(200);
    const asBob = await read(opId, bob);
    expect(asBob.status).toBe(404);
    expect(asBob.body.RetCode).toBe("404");
    expect((await read(opId, { accessToken: bob.accessToken })).status).toBe(404);
    expect((await read("op_nosuchop", alice)).status).toBe(404);
    const other = await addAppPlatform(world1, "OPS-OTHER-0001", [{ loginId: "carol", authToken: "c1" }]);
    try {
      const carol = await other.call("user/login", {
        User: [{ UserBase: { loginID: "carol" } }],
        AuthToken: "c1",
      });
      const carolId = (carol.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "";
      const creds = {
        platId: other.creds.platId,
        appId: other.creds.appId,
        appSecret: other.creds.appSecret,
      };
      expect((await getOp(world1.hub.url, creds, opId, { userId: carolId })).status).toBe(404);
      // Naming alice from another platform: her UserID is not one of its users (404 as well).
      expect((await getOp(world1.hub.url, creds, opId, { userId: alice.userId })).status).toBe(404);
    } finally {
      await other.app.close();
    }
  });

  it("delivers the outcome as DataType opResult only to a platform that opted in", async (ctx) => {
    if (!w) return ctx.skip();
    const { w: world1, b } = world();
    // Nothing before opting in: the earlier tests' settled ops were not delivered.
    const opResults = () => world1.app.reports.filter((r) => r.text.includes('"opResult"'));
    expect(opResults()).toEqual([]);

    const other = await addAppPlatform(world1, "OPS-PLAIN-0001", [{ loginId: "dave", authToken: "d1" }]);
    try {
      const login = await other.call("user/login", {
        User: [{ UserBase: { loginID: "dave" } }],
        AuthToken: "d1",
      });
      const dave = {
        userId: (login.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "",
        accessToken: login.headers.accesstoken ?? "",
      };
      const idDave = b.deviceIds[2] ?? "";
      const bound = await other.call("user/bindDevices", { UserID: dave.userId, Device: devices([idDave]) });
      expect(bound.body.FailedIDs).toEqual([]);
      // The plain platform's op settles first: its status report is delivered, no opResult.
      const daveOp = await other.call(
        "devices/op",
        { UserID: dave.userId, Device: devices([idDave], changingCommand(b.cloud, idDave)) },
        { AccessToken: dave.accessToken },
      );
      await b.cloud.pushReport({ DeviceID: idDave });
      const creds = {
        platId: other.creds.platId,
        appId: other.creds.appId,
        appSecret: other.creds.appSecret,
      };
      expect((await getOp(world1.hub.url, creds, String(daveOp.body.OpID), dave)).body.Status).toBe(
        "confirmed",
      );

      // The platform opts in itself (self-service); the operator's view shows it.
      const patched = await selfClient(world1.hub.url, world1.appCreds)("PATCH", "", {
        events: ["opResult"],
      });
      expect(patched.status).toBe(200);
      expect(patched.body.events).toEqual(["opResult"]);
      expect((await world1.admin.get(`/admin/v1/platforms/${world1.appCreds.platId}`)).body.events).toEqual([
        "opResult",
      ]);
      const idAlice = b.deviceIds[3] ?? "";
      const sent = await op({
        UserID: alice.userId,
        Device: devices([idAlice], changingCommand(b.cloud, idAlice)),
      });
      const opId = String(sent.body.OpID);
      await b.cloud.pushReport({ DeviceID: idAlice });
      const [delivered] = await eventually(
        async () => opResults(),
        (r) => r.length > 0,
        "opResult delivery",
      );
      expect(delivered?.signatureValid).toBe(true);
      expect(delivered?.answeredStatus).toBe(200);
      expect(JSON.parse(delivered?.text ?? "{}")).toMatchObject({
        DeviceID: idAlice,
        DataType: "opResult",
        DeviceStatus: { OpID: opId, Status: "confirmed", OpStatus: "confirmed" },
      });
      // The plain platform got its device's status report and never an opResult.
      await other.app.waitForReports(1);
      expect(other.app.reports.some((r) => r.text.includes('"opResult"'))).toBe(false);
      const outbox = await world1.admin.get(`/admin/v1/deliveries?platId=${other.creds.platId}`);
      expect(JSON.stringify(outbox.body)).not.toContain("opResult");
    } finally {
      await other.app.close();
    }
  });
});
