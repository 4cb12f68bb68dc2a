/**
 * The console's platform pages without a browser (issue 14): both secrets shown once, the grace
 * choice when rotating, and platforms in security mode none marked on the list and detail pages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, platformClient } from "./support/client.ts";
import { type ConsoleSession, consoleSession } from "./support/console-session.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";

let hub: TestHub;
let admin: ReturnType<typeof adminClient>;
let session: ConsoleSession;

const post = (path: string, fields: Record<string, string>) => session.post(path, fields);
const page = (path: string) => session.page(path);

/** The text of the element with this id (the console's markup is simple enough for a pattern). */
const byId = (html: string, id: string) =>
  new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html)?.[1]?.trim() ?? undefined;

beforeAll(async () => {
  hub = await startTestHub("pglite");
  admin = adminClient(hub.url, hub.adminToken);
  session = await consoleSession(hub.url, hub.adminToken);
  expect(session.csrf).not.toBe("");
}, 60_000);
afterAll(async () => hub?.close());

describe("console: platform secrets and security modes", () => {
  it("a vendor's page shows its ingestUrl; rotating shows the new one (issue 15)", async () => {
    const reg = await admin.post("/admin/v1/platforms", {
      platId: "CON-VENDOR-0001",
      name: "console vendor",
      manufacturerCodes: ["000042"],
      apiBaseUrl: "http://127.0.0.1:9/v1",
    });
    const ingestUrl = String(reg.body.ingestUrl);
    expect(ingestUrl).toMatch(/\/v1\/dataservices\/dataGateway\/[A-Za-z0-9_-]{43}$/);
    expect(byId(await page("/console/platforms/CON-VENDOR-0001"), "ingest-url")).toBe(ingestUrl);
    const rotated = await post("/console/platforms/CON-VENDOR-0001/secret", { graceSeconds: "86400" });
    const next = byId(rotated.html, "ingest-url");
    expect(next).toMatch(/\/v1\/dataservices\/dataGateway\/[A-Za-z0-9_-]{43}$/);
    expect(next).not.toBe(ingestUrl);
    expect(byId(await page("/console/platforms/CON-VENDOR-0001"), "ingest-url")).toBe(next);
    // An app platform reports nothing: no ingestUrl on its page.
    await admin.post("/admin/v1/platforms", {
      platId: "CON-APP-NOINGEST",
      name: "app",
      verifyUrl: "http://127.0.0.1:9/v",
    });
    expect(await page("/console/platforms/CON-APP-NOINGEST")).not.toContain('id="ingest-url"');
  });

  it("registering shows the appSecret and the webhookSecret once", async () => {
    const res = await post("/console/platforms", {
      platId: "CON-APP-0001",
      name: "console app",
      verifyUrl: "http://127.0.0.1:9/v",
      securityMode: "hmac",
    });
    expect(res.status).toBe(201);
    expect(byId(res.html, "app-secret")).toMatch(/^whsec_/);
    expect(byId(res.html, "webhook-secret")).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(byId(res.html, "webhook-secret")).not.toBe(byId(res.html, "app-secret"));
    expect(await page("/console/platforms/CON-APP-0001")).not.toContain("whsec_");
  });

  it("rotating offers the grace choice: 24 h keeps the old appSecret on /v1, 'stop now' ends it", async () => {
    const reg = await admin.post("/admin/v1/platforms", {
      platId: "CON-ROT-0001",
      name: "rot",
      verifyUrl: "http://127.0.0.1:9/v",
    });
    const detail = await page("/console/platforms/CON-ROT-0001");
    expect(detail).toContain('name="graceSeconds"');
    const first = platformClient(hub.url, { platId: "CON-ROT-0001", appSecret: String(reg.body.appSecret) });

    const planned = await post("/console/platforms/CON-ROT-0001/secret", { graceSeconds: "86400" });
    expect(planned.status).toBe(200);
    expect(byId(planned.html, "previous-valid-until")).toMatch(/^keep working until/);
    expect((await first("users/devices", { UserID: "U-NOBODY" })).status).toBe(404);
    const second = platformClient(hub.url, {
      platId: "CON-ROT-0001",
      appSecret: byId(planned.html, "app-secret") ?? "",
    });

    const leaked = await post("/console/platforms/CON-ROT-0001/secret", { graceSeconds: "0" });
    expect(leaked.status).toBe(200);
    expect(byId(leaked.html, "previous-valid-until")).toBe("stopped working now");
    expect(byId(leaked.html, "webhook-secret")).toMatch(/^whsec_/);
    expect((await second("users/devices", { UserID: "U-NOBODY" })).status).toBe(401);
    const third = platformClient(hub.url, {
      platId: "CON-ROT-0001",
      appSecret: byId(leaked.html, "app-secret") ?? "",
    });
    expect((await third("users/devices", { UserID: "U-NOBODY" })).status).toBe(404);

    const bad = await post("/console/platforms/CON-ROT-0001/secret", { graceSeconds: "forever" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("graceSeconds");
  });

  it("marks a platform in mode none on the list and on its page; an hmac one is not marked", async () => {
    await admin.post("/admin/v1/platforms", {
      platId: "CON-PLAIN-0001",
      name: "plain",
      verifyUrl: "http://127.0.0.1:9/v",
      security: { mode: "none" },
    });
    const list = await page("/console/platforms");
    const row = (platId: string) => list.split("<tr>").find((r) => r.includes(`>${platId}<`)) ?? "";
    expect(row("CON-PLAIN-0001")).toContain("unsigned");
    expect(row("CON-APP-0001")).not.toContain("unsigned");
    expect(await page("/console/platforms/CON-PLAIN-0001")).toContain('id="plain-mode-warning"');
    expect(await page("/console/platforms/CON-APP-0001")).not.toContain('id="plain-mode-warning"');
  });
});

describe("console: httpStatus (docs/design.md §3.3)", () => {
  it("the form registers a platform with always200; its page and its edit form show it", async () => {
    const res = await post("/console/platforms", {
      platId: "CON-STRICT-0001",
      name: "strict app",
      verifyUrl: "http://127.0.0.1:9/v",
      securityMode: "hmac",
      httpStatus: "always200",
    });
    expect(res.status).toBe(201);
    expect((await admin.get("/admin/v1/platforms/CON-STRICT-0001")).body.httpStatus).toBe("always200");
    const detail = await page("/console/platforms/CON-STRICT-0001");
    expect(detail).toMatch(/id="http-status"[\s\S]*always 200, RetCode in the body/);
    // The edit form on the same page holds the stored choice.
    expect(detail).toMatch(/<option value="always200" selected/);
    const saved = await post("/console/platforms/CON-STRICT-0001", {
      name: "strict app",
      verifyUrl: "http://127.0.0.1:9/v",
      securityMode: "hmac",
      httpStatus: "mirror",
    });
    expect(saved.status).toBeLessThan(400);
    expect((await admin.get("/admin/v1/platforms/CON-STRICT-0001")).body.httpStatus).toBe("mirror");
  });
});

describe("console: events (docs/design.md §7, opResult deliveries)", () => {
  it("the form opts a platform in to opResult and out again; its page shows it", async () => {
    const res = await post("/console/platforms", {
      platId: "CON-OPS-0001",
      name: "ops app",
      verifyUrl: "http://127.0.0.1:9/v",
      securityMode: "hmac",
      opResult: "on",
    });
    expect(res.status).toBe(201);
    expect((await admin.get("/admin/v1/platforms/CON-OPS-0001")).body.events).toEqual(["opResult"]);
    const detail = await page("/console/platforms/CON-OPS-0001");
    expect(detail).toMatch(/id="events"[\s\S]*opResult/);
    expect(detail).toMatch(/name="opResult" value="on" checked/);
    const saved = await post("/console/platforms/CON-OPS-0001", {
      name: "ops app",
      verifyUrl: "http://127.0.0.1:9/v",
      securityMode: "hmac",
    });
    expect(saved.status).toBeLessThan(400);
    expect((await admin.get("/admin/v1/platforms/CON-OPS-0001")).body.events).toEqual([]);
  });
});
