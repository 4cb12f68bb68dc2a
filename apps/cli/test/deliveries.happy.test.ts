import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cli, type FakeHub, startFakeHub } from "./support/fake-hub.ts";

let hub: FakeHub;
beforeEach(async () => {
  hub = await startFakeHub();
});
afterEach(async () => {
  await hub.close();
});

const dead = {
  id: "msg_2b7QkR1",
  reportId: "rep_1",
  platId: "PARTNER-MIDEA-0000",
  udeviceId: "000006010200200C89346112DD5",
  status: "dead",
  attempts: 11,
  nextAttemptAt: null,
  lastError: "connect ECONNREFUSED",
  lastHttpStatus: null,
  deliveredAt: null,
  createdAt: "2025-03-01T08:00:00.000Z",
};
const delivered = {
  ...dead,
  id: "msg_2b7QkR2",
  status: "delivered",
  attempts: 2,
  lastError: "RetCode 500",
  lastHttpStatus: 500,
  deliveredAt: "2025-03-01T08:00:05.000Z",
};

describe("deliveries list", () => {
  it("sends the filters as query parameters (relative times resolved against now)", async () => {
    hub.on("GET /admin/v1/deliveries", { status: 200, body: { deliveries: [], nextCursor: null } });
    hub.on("GET /admin/v1/platforms/PARTNER-MIDEA-0000", {
      status: 200,
      body: { platId: "PARTNER-MIDEA-0000" },
    });
    const r = await cli(
      [
        "deliveries",
        "list",
        "--platform",
        "PARTNER-MIDEA-0000",
        "--status",
        "dead",
        "--device",
        "000006010200200C89346112DD5",
        "--from",
        "2h",
        "--to",
        "2025-03-01",
        "--limit",
        "50",
        "--cursor",
        "c_abc",
      ],
      { hubUrl: hub.url, now: new Date("2025-03-01T12:00:00.000Z") },
    );
    expect(r).toEqual({ code: 0, stdout: "No deliveries match.\n", stderr: "" });
    const url = new URL(hub.requests[0]?.url ?? "", hub.url);
    expect(url.pathname).toBe("/admin/v1/deliveries");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      platId: "PARTNER-MIDEA-0000",
      status: "dead",
      device: "000006010200200C89346112DD5",
      from: "2025-03-01T10:00:00.000Z",
      to: "2025-03-01T00:00:00.000Z",
      limit: "50",
      cursor: "c_abc",
    });
  });

  it("names a platform that does not exist instead of saying nothing matched", async () => {
    hub.on("GET /admin/v1/deliveries", { status: 200, body: { deliveries: [], nextCursor: null } });
    hub.on("GET /admin/v1/platforms/NO-SUCH-PLAT", {
      status: 404,
      body: { RetCode: "404", RetInfo: "no platform NO-SUCH-PLAT" },
    });
    const r = await cli(["deliveries", "list", "--platform", "NO-SUCH-PLAT"], { hubUrl: hub.url });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("no platform NO-SUCH-PLAT");
  });

  it("prints a table and points at the next page on stderr", async () => {
    const clean = { ...delivered, id: "msg_2b7QkR3", attempts: 1, lastError: null, lastHttpStatus: 200 };
    hub.on("GET /admin/v1/deliveries", {
      status: 200,
      body: { deliveries: [dead, delivered, clean], nextCursor: "c_next" },
    });
    const r = await cli(["deliveries", "list"], { hubUrl: hub.url });
    expect(r.code).toBe(0);
    expect(hub.requests[0]?.url).toBe("/admin/v1/deliveries");
    expect(r.stdout).toBe(
      [
        "ID           PLATFORM            DEVICE                       STATUS     ATTEMPTS  NEXT ATTEMPT  CREATED               LAST ERROR",
        "msg_2b7QkR1  PARTNER-MIDEA-0000  000006010200200C89346112DD5  dead       11        -             2025-03-01 08:00:00Z  connect ECONNREFUSED",
        "msg_2b7QkR2  PARTNER-MIDEA-0000  000006010200200C89346112DD5  delivered  2         -             2025-03-01 08:00:00Z  HTTP 500 RetCode 500",
        // A delivery that succeeded at once has no error to show (not "HTTP 200").
        "msg_2b7QkR3  PARTNER-MIDEA-0000  000006010200200C89346112DD5  delivered  1         -             2025-03-01 08:00:00Z  -",
        "",
      ].join("\n"),
    );
    expect(r.stderr).toBe("hubctl: more deliveries: add --cursor c_next\n");
  });

  it("--json prints the page as it came", async () => {
    const answer = { deliveries: [dead], nextCursor: null };
    hub.on("GET /admin/v1/deliveries", { status: 200, body: answer });
    const r = await cli(["deliveries", "list", "--json"], { hubUrl: hub.url });
    expect(JSON.parse(r.stdout)).toEqual(answer);
  });
});

describe("deliveries show", () => {
  it("prints the delivery and a table of its attempts", async () => {
    hub.on("GET /admin/v1/deliveries/msg_2b7QkR2", {
      status: 200,
      body: {
        ...delivered,
        attempts: [
          {
            attempt: 1,
            startedAt: "2025-03-01T08:00:00.000Z",
            durationMs: 120,
            httpStatus: 500,
            retCode: "500",
            error: "RetCode 500",
          },
          {
            attempt: 2,
            startedAt: "2025-03-01T08:00:05.000Z",
            durationMs: 80,
            httpStatus: 200,
            retCode: "200",
            error: null,
          },
        ],
      },
    });
    const r = await cli(["deliveries", "show", "msg_2b7QkR2"], { hubUrl: hub.url });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("status          delivered\n");
    expect(r.stdout).toContain(
      [
        "ATTEMPT  STARTED               MS   HTTP  RETCODE  ERROR",
        "1        2025-03-01 08:00:00Z  120  500   500      RetCode 500",
        "2        2025-03-01 08:00:05Z  80   200   200      -",
        "",
      ].join("\n"),
    );
  });
});

describe("deliveries replay", () => {
  it("one: POST /admin/v1/deliveries/{id}/replay, 202", async () => {
    hub.on("POST /admin/v1/deliveries/msg_2b7QkR1/replay", { status: 202 });
    const r = await cli(["deliveries", "replay", "msg_2b7QkR1"], { hubUrl: hub.url });
    expect(r).toEqual({ code: 0, stdout: "Queued delivery msg_2b7QkR1 for replay.\n", stderr: "" });
    expect(hub.requests.map((q) => [q.method, q.url, q.body])).toEqual([
      ["POST", "/admin/v1/deliveries/msg_2b7QkR1/replay", undefined],
    ]);
  });

  it("bulk: POST /admin/v1/deliveries/replay with platId and since", async () => {
    hub.on("POST /admin/v1/deliveries/replay", { status: 202, body: { replayed: 3 } });
    const r = await cli(
      ["deliveries", "replay", "--platform", "PARTNER-MIDEA-0000", "--since", "2025-03-01T00:00:00Z"],
      {
        hubUrl: hub.url,
      },
    );
    expect(r).toEqual({
      code: 0,
      stdout: "Queued 3 deliveries to PARTNER-MIDEA-0000 for replay.\n",
      stderr: "",
    });
    expect(hub.requests[0]?.body).toEqual({
      platId: "PARTNER-MIDEA-0000",
      since: "2025-03-01T00:00:00.000Z",
    });

    const json = await cli(
      ["deliveries", "replay", "--platform", "PARTNER-MIDEA-0000", "--since", "1d", "--json"],
      {
        hubUrl: hub.url,
        now: new Date("2025-03-02T00:00:00.000Z"),
      },
    );
    expect(JSON.parse(json.stdout)).toEqual({ replayed: 3 });
    expect(hub.requests[1]?.body).toEqual({
      platId: "PARTNER-MIDEA-0000",
      since: "2025-03-01T00:00:00.000Z",
    });
  });

  it("404 for an unknown delivery exits 1", async () => {
    hub.on("POST /admin/v1/deliveries/msg_x/replay", {
      status: 404,
      body: { RetCode: "404", RetInfo: "delivery msg_x not found" },
    });
    const r = await cli(["deliveries", "replay", "msg_x"], { hubUrl: hub.url });
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr: "hubctl: the hub answered 404: delivery msg_x not found\n",
    });
  });
});
