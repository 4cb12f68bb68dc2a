import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cli, type FakeHub, startFakeHub } from "./support/fake-hub.ts";

let hub: FakeHub;
beforeEach(async () => {
  hub = await startFakeHub();
});
afterEach(async () => {
  await hub.close();
});

const udid = "000006010200200C89346112DD5";
const grant = {
  deviceId: udid,
  grantorPlatId: "APP-PLAT-0001",
  granteePlatId: "APP-PLAT-0002",
  createdAt: "2026-12-04T03:00:00.000Z",
};

describe("grants", () => {
  it("create POSTs the grant on the holder's behalf and prints it", async () => {
    hub.on("POST /admin/v1/grants", { status: 201, body: grant });
    const r = await cli(["grants", "create", udid, "--from", "APP-PLAT-0001", "--to", "APP-PLAT-0002"], {
      hubUrl: hub.url,
    });
    expect(r.code).toBe(0);
    expect(hub.requests[0]?.body).toEqual({
      deviceId: udid,
      grantorPlatId: "APP-PLAT-0001",
      granteePlatId: "APP-PLAT-0002",
    });
    expect(r.stdout).toContain("APP-PLAT-0002");
  });

  it("create without --to is a usage error and calls nothing", async () => {
    const r = await cli(["grants", "create", udid, "--from", "APP-PLAT-0001"], { hubUrl: hub.url });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("--from and --to are required");
    expect(hub.requests).toEqual([]);
  });

  it("list passes the filters and prints a table", async () => {
    hub.on("GET /admin/v1/grants", { status: 200, body: { grants: [grant] } });
    const r = await cli(["grants", "list", "--platform", "APP-PLAT-0002"], { hubUrl: hub.url });
    expect(r.code).toBe(0);
    expect(hub.requests[0]?.url).toBe("/admin/v1/grants?platId=APP-PLAT-0002");
    expect(r.stdout).toContain(udid);
  });

  it("revoke DELETEs the grant and says how many users lost the device", async () => {
    hub.on(`DELETE /admin/v1/grants/${udid}/APP-PLAT-0002`, {
      status: 200,
      body: { grant, unboundUsers: 2 },
    });
    const r = await cli(["grants", "revoke", udid, "APP-PLAT-0002"], { hubUrl: hub.url });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Revoked APP-PLAT-0002's grant of ${udid}; 2 user(s) unbound.\n`);
  });
});
