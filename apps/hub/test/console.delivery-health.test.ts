/**
 * Issue 18, the console as a newcomer operator met it, without a browser: delivery health on the
 * platforms pages, why a delivery waits (breaker open until …) and a summary that does not hide
 * failed rows, attempts numbered across replays and counted in the list, POST → redirect → GET
 * after a replay, and a dataGatewayUrl change that offers to replay what failed.
 * The delivery rows are written straight into the database, scheduled in the future (or dead),
 * so the hub's worker leaves them as they are until a replay makes one due.
 */
import { deliveries, deliveryAttempts, deviceShadows, statusReports } from "@yunlian/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/client.ts";
import { type ConsoleSession, consoleSession } from "./support/console-session.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";

let hub: TestHub;
let session: ConsoleSession;

const post = (path: string, fields: Record<string, string>) => session.post(path, fields);
const page = (path: string) => session.page(path);
const byId = (html: string, id: string) =>
  new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</(td|div|p)>`)
    .exec(html)?.[1]
    ?.replace(/<[^>]+>/g, "")
    .trim();
/** The cells of one table row, as text. */
const cells = (row: string) =>
  [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => (m[1] ?? "").replace(/<[^>]+>/g, "").trim());

const SICK = "HEALTH-SICK-0001";
const WELL = "HEALTH-WELL-0001";
const DEVICE = "0000160102002001ABC";
const hour = 3_600_000;

beforeAll(async () => {
  hub = await startTestHub("pglite", { HUB_DELIVERY_BREAKER_THRESHOLD: "3" });
  const admin = adminClient(hub.url, hub.adminToken);
  for (const platId of [SICK, WELL])
    expect(
      (
        await admin.post("/admin/v1/platforms", {
          platId,
          name: platId,
          dataGatewayUrl: `http://127.0.0.1:9/${platId}/dataGateway`,
        })
      ).status,
    ).toBe(201);
  const db = hub.hub.database.db;
  const now = Date.now();
  const receivedAt = new Date(now - 3 * hour);
  const [report] = await db
    .insert(statusReports)
    .values({ udeviceId: DEVICE, vendorPlatId: WELL, dataType: "attr", deviceStatus: {}, receivedAt })
    .returning({ id: statusReports.id });
  const row = (id: string, platId: string, extra: Record<string, unknown>) => ({
    id,
    reportId: report?.id ?? 0,
    platId,
    udeviceId: DEVICE,
    createdAt: receivedAt,
    ...extra,
  });
  await db.insert(deliveries).values([
    // Tried twice, replayed, tried twice again: the row's counter says 2, four attempts were made.
    row("msg_health_failed", SICK, {
      status: "failed",
      attempts: 2,
      nextAttemptAt: new Date(now + hour),
      lastError: "connection refused",
    }),
    // Never tried: put off by the open breaker.
    row("msg_health_pending", SICK, {
      status: "pending",
      attempts: 0,
      nextAttemptAt: new Date(now + 10 * 60_000),
    }),
    row("msg_health_dead", SICK, {
      status: "dead",
      attempts: 3,
      lastError: "connection refused",
      settledAt: new Date(now - hour),
    }),
    row("msg_health_ok", WELL, {
      status: "delivered",
      attempts: 1,
      deliveredAt: new Date(now - 2 * hour),
      settledAt: new Date(now - 2 * hour),
    }),
  ]);
  const attemptAt = (minutesAgo: number, attempt: number, id = "msg_health_failed") => ({
    deliveryId: id,
    attempt,
    startedAt: new Date(now - minutesAgo * 60_000),
    durationMs: 5,
    error: "connection refused",
  });
  // Stored out of time order, with the numbers the row's schedule gave them (1, 2, then 1, 2).
  await db
    .insert(deliveryAttempts)
    .values([attemptAt(30, 1), attemptAt(100, 1), attemptAt(20, 2), attemptAt(90, 2)]);
  await db.insert(deliveryAttempts).values({
    deliveryId: "msg_health_ok",
    attempt: 1,
    startedAt: new Date(now - 2 * hour),
    durationMs: 7,
    error: null,
    httpStatus: 200,
    retCode: "200",
  });
  session = await consoleSession(hub.url, hub.adminToken);
  expect(session.csrf).not.toBe("");
}, 60_000);
afterAll(async () => hub?.close());

describe("console: delivery health (issue 18)", () => {
  it("the platforms list shows success rate, failed/dead counts with links, breaker and oldest waiting", async () => {
    const html = await page("/console/platforms");
    const rowOf = (platId: string) => html.split("<tr>").find((r) => r.includes(`>${platId}<`)) ?? "";
    const sick = cells(rowOf(SICK));
    expect(sick).toContain("0.0%");
    expect(sick).toContain("1 / 1");
    expect(sick).toContain("open");
    expect(sick.some((c) => /^3 h/.test(c))).toBe(true);
    expect(rowOf(SICK)).toContain(`/console/deliveries?platId=${SICK}&amp;status=dead`);
    const well = cells(rowOf(WELL));
    expect(well).toContain("100.0%");
    expect(well).toContain("0 / 0");
    expect(well).toContain("closed");
  });

  it("the detail page has a delivery-health panel that links to the platform's deliveries", async () => {
    const html = await page(`/console/platforms/${SICK}`);
    expect(byId(html, "health-success-rate")).toMatch(/^0\.0% of 4 attempts/);
    expect(byId(html, "health-open")).toBe("1 pending, 1 failed (retrying)");
    expect(byId(html, "health-dead")).toBe("1 dead");
    expect(byId(html, "health-breaker")).toMatch(/^open 4 failed attempts in a row \(opens at 3\)/);
    expect(byId(html, "health-oldest")).toMatch(/^3 h/);
    expect(html).toContain(`href="/console/deliveries?platId=${SICK}&amp;status=failed"`);
  });
});

describe("console: why a delivery waits, and the summary", () => {
  it("a delivery put off by the open breaker says so, with its attempt count", async () => {
    const html = await page(`/console/deliveries?platId=${SICK}&status=pending`);
    const row =
      /<tr>\s*<td class="mono"><a href="\/console\/deliveries\/msg_health_pending">[\s\S]*?<\/tr>/.exec(
        html,
      )?.[0] ?? "";
    const text = cells(row);
    expect(text[4]).toBe("0");
    expect(text[6]).toMatch(/^breaker open until \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(byId(await page("/console/deliveries/msg_health_pending"), "next-attempt")).toMatch(
      /\(breaker open until /,
    );
  });

  it("the summary counts failed rows apart and adds what waits, with the oldest's age", async () => {
    const html = await page("/console/deliveries");
    expect(html).toContain("failed (retrying)");
    expect(byId(html, "count-failed")).toBe("1");
    expect(byId(html, "count-pending")).toBe("1");
    expect(byId(html, "count-waiting")).toBe("2");
    expect(byId(html, "oldest-waiting")).toMatch(/^3 h/);
  });
});

describe("console: attempts across replays", () => {
  it("numbers attempts in time order and the list shows all of them", async () => {
    const detail = await page("/console/deliveries/msg_health_failed");
    expect(byId(detail, "attempt-count")).toBe("4");
    const table = detail.slice(detail.indexOf("<h2>Attempts</h2>"));
    const numbers = [...table.matchAll(/<tr>\s*<td class="num">(\d+)<\/td>\s*<td>([^<]+)<\/td>/g)];
    expect(numbers.map((m) => m[1])).toEqual(["1", "2", "3", "4"]);
    const times = numbers.map((m) => m[2] ?? "");
    expect([...times].sort()).toEqual(times);
    const list = await page(`/console/deliveries?platId=${SICK}&status=failed`);
    const row = /<a href="\/console\/deliveries\/msg_health_failed">[\s\S]*?<\/tr>/.exec(list)?.[0] ?? "";
    expect(cells(`<td>${row}`)[4]).toBe("4");
  });
});

describe("console: replay is POST → redirect → GET", () => {
  it("one delivery: 303 to its page, which says it is pending again", async () => {
    const res = await post("/console/deliveries/msg_health_dead/replay", {});
    expect(res.status).toBe(303);
    expect(res.location).toBe("/console/deliveries/msg_health_dead?replay=done");
    expect(await page(res.location ?? "")).toContain("Delivery msg_health_dead is pending again.");
  });

  it("a delivered one: 303 to its page, which says why not", async () => {
    const res = await post("/console/deliveries/msg_health_ok/replay", {});
    expect(res.status).toBe(303);
    expect(res.location).toBe("/console/deliveries/msg_health_ok?replay=refused");
    expect(await page(res.location ?? "")).toContain(
      "Delivery msg_health_ok is delivered: only failed or dead deliveries are replayed.",
    );
  });

  it("in bulk: 303 to the platform's list with how many", async () => {
    const res = await post("/console/deliveries/replay", { platId: WELL, since: "2020-01-01T00:00" });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/console/deliveries?platId=${WELL}&status=pending&bulkReplayed=0`);
    expect(await page(res.location ?? "")).toContain(`Replayed 0 deliveries of ${WELL}.`);
  });
});

describe("console: a new dataGatewayUrl offers to replay what failed", () => {
  const edit = (fields: Record<string, string>) =>
    post(`/console/platforms/${SICK}`, {
      name: SICK,
      adapter: "standard",
      adapterConfig: "{}",
      securityMode: "hmac",
      httpStatus: "mirror",
      ...fields,
    });

  it("without the box ticked: saved, and a button to replay them", async () => {
    expect(await page(`/console/platforms/${SICK}`)).toContain('name="replayWaiting"');
    const res = await edit({ dataGatewayUrl: "http://127.0.0.1:9/moved/dataGateway" });
    expect(res.status).toBe(200);
    expect(res.html).toContain("Saved.");
    expect(res.html).toContain('id="replay-offer"');
    expect(res.html).toMatch(/action="\/console\/deliveries\/replay"/);
  });

  it("with the box ticked: saved and replayed", async () => {
    const res = await edit({
      dataGatewayUrl: "http://127.0.0.1:9/moved-again/dataGateway",
      replayWaiting: "on",
    });
    expect(res.status).toBe(200);
    expect(res.html).toMatch(
      /Saved\. Replayed [1-9]\d* failed and dead deliveries to the new dataGateway URL\./,
    );
    expect(res.html).not.toContain('id="replay-offer"');
  });
});

describe("console: the devices page lists and searches the known devices", () => {
  beforeAll(async () => {
    await hub.hub.database.db.insert(deviceShadows).values([
      { udeviceId: "0000160102002001AAA", vendorPlatId: WELL, online: true },
      { udeviceId: "0000170102002001BBB", vendorPlatId: SICK, online: false },
    ]);
  });
  const listed = (html: string) =>
    [
      ...(/<table id="device-list">[\s\S]*?<\/table>/.exec(html)?.[0] ?? "").matchAll(
        /\?id=([0-9A-Za-z]+)"/g,
      ),
    ].map((m) => m[1]);

  it("lists every device without a search", async () => {
    expect(listed(await page("/console/devices"))).toEqual(["0000160102002001AAA", "0000170102002001BBB"]);
  });

  it("by UDeviceID prefix, and by platform", async () => {
    expect(listed(await page("/console/devices?q=000017"))).toEqual(["0000170102002001BBB"]);
    expect(listed(await page(`/console/devices?platId=${WELL}`))).toEqual(["0000160102002001AAA"]);
    expect(listed(await page(`/console/devices?q=000017&platId=${WELL}`))).toEqual([]);
  });

  it("refuses a prefix that is not letters and digits", async () => {
    const res = await fetch(`${hub.url}/console/devices?q=${encodeURIComponent("00%")}`, {
      headers: { cookie: session.cookie },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("letters and digits only");
  });
});

describe("console: the hourly chart has axes", () => {
  it("labels the count scale and the window's times", async () => {
    const html = await page("/console/deliveries?hours=24");
    const chart = /<svg class="spark"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? "";
    expect(chart).toContain('class="axis"');
    expect(/class="tick y-max">(\d+)</.exec(chart)?.[1]).toMatch(/^[1-9]\d*$/);
    expect(/class="tick y-min">(\d+)</.exec(chart)?.[1]).toBe("0");
    for (const tick of ["x-start", "x-middle", "x-end"])
      expect(new RegExp(`class="tick ${tick}">(\\d\\d:\\d\\dZ)<`).exec(chart)?.[1], tick).toBeDefined();
    expect(chart).toContain('aria-label="attempts per 1 h, at most');
  });
});
