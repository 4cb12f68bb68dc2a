import { idempotencyKeys } from "@yunlian/db";
import { TEST_REDIS_URL, uniquePrefix } from "@yunlian/delivery/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteExpiredKeys } from "../src/services/commands/idempotency.ts";
import { platformClient } from "./support/client.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";
import { changingCommand, eventually } from "./support/ops.ts";
import { addAppPlatform, devices, loginAs, startWorldIfAvailable, type World } from "./support/world.ts";

const storages: { storage: "pglite" | "postgres"; env: Record<string, string> }[] = [
  { storage: "pglite", env: {} },
  { storage: "postgres", env: { REDIS_URL: TEST_REDIS_URL, HUB_QUEUE_PREFIX: uniquePrefix("idem") } },
];

describe.each(storages)("Idempotency-Key on $storage (docs/design.md §7)", ({ storage, env }) => {
  let w: World | undefined;
  let alice = { userId: "", accessToken: "" };

  beforeAll(async () => {
    w = await startWorldIfAvailable(storage, env);
    if (!w) return;
    alice = await loginAs(w, "alice", "alice-token-1");
    const a = w.vendors[0];
    const bound = await w.call("user/bindDevices", {
      UserID: alice.userId,
      Device: devices(a?.deviceIds ?? []),
    });
    expect(bound.body.FailedIDs).toEqual([]);
  }, 60_000);
  afterAll(async () => w?.close());

  const vendorA = () => {
    const a = w?.vendors[0];
    if (!a) throw new Error("vendor A expected");
    return a;
  };
  const vendorCalls = (api: string) => vendorA().cloud.calls.filter((c) => c.api === api).length;
  const op = (body: unknown, key: string, call = w?.call) => {
    if (!call) throw new Error("no world");
    return call("devices/op", body, { AccessToken: alice.accessToken, "Idempotency-Key": key });
  };

  it("a retry racing the first call waits for it and gets its answer: one vendor call", async (ctx) => {
    if (!w) return ctx.skip();
    const a = vendorA();
    const id = a.deviceIds[0] ?? "";
    const body = { UserID: alice.userId, Device: devices([id], changingCommand(a.cloud, id)) };
    const before = vendorCalls("devices/op");
    a.cloud.setDelay(1000);
    try {
      let firstDone = false;
      const first = op(body, "race-1").finally(() => {
        firstDone = true;
      });
      // The first call is at the vendor (and held there) before the retry is sent.
      await eventually(
        async () => vendorCalls("devices/op"),
        (n) => n > before,
        "vendor op call",
      );
      const retry = op(body, "race-1");
      expect(firstDone).toBe(false);
      const [one, two] = await Promise.all([first, retry]);
      expect(one.body.RetCode).toBe("200");
      expect(two.body).toEqual(one.body);
      expect(String(two.body.OpID)).toMatch(/^op_/);
      expect(two.headers["idempotent-replayed"]).toBe("true");
      expect(one.headers["idempotent-replayed"]).toBeUndefined();
      expect(vendorCalls("devices/op")).toBe(before + 1);
    } finally {
      a.cloud.setDelay(0);
    }
  });

  it("the same body in another key order and spacing is a repeat; another body is 409", async (ctx) => {
    if (!w) return ctx.skip();
    const a = vendorA();
    const id = a.deviceIds[1] ?? "";
    // Two attributes, so that their order can differ too (DeviceAttr is an open map).
    const [second, value] = Object.entries(a.cloud.devices.get(id)?.attrs ?? {}).at(-1) ?? ["", ""];
    const command = { ...changingCommand(a.cloud, id), [second]: value };
    const first = await op({ UserID: alice.userId, Device: devices([id], command) }, "order-1");
    expect(first.body.RetCode).toBe("200");
    const calls = vendorCalls("devices/op");
    const swapped = Object.fromEntries(Object.entries(command).reverse());
    expect(JSON.stringify(swapped)).not.toBe(JSON.stringify(command));
    const reordered = `{ "Device" : [ { "DeviceAttr": ${JSON.stringify(swapped)}, "DeviceInfo": {"deviceID":"${id}"} } ],\n  "UserID": "${alice.userId}" }`;
    const again = await op(reordered, "order-1");
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const other = await op(
      { UserID: alice.userId, Device: devices([id], { ...command, extra: "1" }) },
      "order-1",
    );
    expect(other.status).toBe(409);
    expect(other.body.RetCode).toBe("409");
    expect(String(other.body.RetInfo)).toContain("Idempotency-Key");
    // The same key on another interface is another request too.
    const onBind = await w.call(
      "user/bindDevices",
      { UserID: alice.userId, Device: devices([id]) },
      { "Idempotency-Key": "order-1" },
    );
    expect(onBind.status).toBe(409);
    expect(vendorCalls("devices/op")).toBe(calls);
  });

  it("bindDevices and unbindDevices: a repeat gets the first answer without a vendor call", async (ctx) => {
    if (!w) return ctx.skip();
    const a = vendorA();
    const id = a.deviceIds[2] ?? "";
    const body = { UserID: alice.userId, Device: devices([id]) };
    const unbinds = vendorCalls("user/unbindDevices");
    const unbind = await w.call("user/unbindDevices", body, { "Idempotency-Key": "unbind-1" });
    expect(unbind.body).toMatchObject({ RetCode: "200", FailedIDs: [] });
    expect(vendorCalls("user/unbindDevices")).toBe(unbinds + 1);
    expect(await w.call("user/unbindDevices", body, { "Idempotency-Key": "unbind-1" })).toMatchObject({
      body: unbind.body,
    });
    expect(vendorCalls("user/unbindDevices")).toBe(unbinds + 1);

    const binds = vendorCalls("user/bindDevices");
    const bind = await w.call("user/bindDevices", body, { "Idempotency-Key": "bind-1" });
    expect(bind.body).toMatchObject({ RetCode: "200", FailedIDs: [] });
    const repeat = await w.call("user/bindDevices", body, { "Idempotency-Key": "bind-1" });
    expect(repeat.body).toEqual(bind.body);
    expect(repeat.headers["idempotent-replayed"]).toBe("true");
    expect(vendorCalls("user/bindDevices")).toBe(binds + 1);
  });

  it("keys are per platform, 1-128 printable ASCII, and expire", async (ctx) => {
    if (!w) return ctx.skip();
    const a = vendorA();
    const id = a.deviceIds[3] ?? "";
    const body = { UserID: alice.userId, Device: devices([id], changingCommand(a.cloud, id)) };
    expect((await op(body, "x".repeat(129))).status).toBe(400);
    expect((await op(body, "a\tb")).status).toBe(400);
    expect((await op(body, "")).status).toBe(400);
    expect((await op(body, "x".repeat(128))).status).toBe(200);

    // Another platform's request with the same key is its own (not a 409).
    const other = await addAppPlatform(w, "IDEM-OTHER-0001", [{ loginId: "erin", authToken: "e1" }]);
    try {
      const erin = await other.call("user/login", {
        User: [{ UserBase: { loginID: "erin" } }],
        AuthToken: "e1",
      });
      const erinId = (erin.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "";
      const theirs = await other.call(
        "user/bindDevices",
        { UserID: erinId, Device: devices([w.vendors[1]?.deviceIds[0] ?? ""]) },
        { "Idempotency-Key": "x".repeat(128) },
      );
      expect(theirs.body).toMatchObject({ RetCode: "200", FailedIDs: [] });
    } finally {
      await other.app.close();
    }

    // Past its 24 h the key serves a new request, and the sweep deletes it.
    const db = w.hub.hub.database.db;
    await db
      .update(idempotencyKeys)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(idempotencyKeys.key, "x".repeat(128)));
    const fresh = await op(
      { ...body, Device: devices([id], { ...body.Device[0]?.DeviceAttr, more: "1" }) },
      "x".repeat(128),
    );
    expect(fresh.status).not.toBe(409);
    await db.update(idempotencyKeys).set({ expiresAt: sql`now() - interval '1 second'` });
    expect(await deleteExpiredKeys({ db, now: () => new Date() })).toBeGreaterThan(0);
    expect(await db.select().from(idempotencyKeys)).toEqual([]);
  });

  it("works across hub instances: a retry at another instance gets the first answer", async (ctx) => {
    if (!w || storage !== "postgres") return ctx.skip();
    const second: TestHub = await startTestHub("postgres", {}, { databaseUrl: w.hub.databaseUrl });
    const a = vendorA();
    try {
      const id = a.deviceIds[0] ?? "";
      const body = { UserID: alice.userId, Device: devices([id], changingCommand(a.cloud, id)) };
      const before = vendorCalls("devices/op");
      a.cloud.setDelay(1000);
      const first = op(body, "across-1");
      await eventually(
        async () => vendorCalls("devices/op"),
        (n) => n > before,
        "vendor op call",
      );
      const atSecond = op(body, "across-1", platformClient(second.url, w.appCreds));
      const [one, two] = await Promise.all([first, atSecond]);
      expect(one.body.RetCode).toBe("200");
      expect(two.body).toEqual(one.body);
      expect(vendorCalls("devices/op")).toBe(before + 1);
    } finally {
      a.cloud.setDelay(0);
      await second.close();
    }
  });
});
