/**
 * The operator console in a real browser (Debian's Chromium driven by playwright-core): sign in,
 * register a platform, see a dead delivery and replay it (one and in bulk), decode a device,
 * filter the audit log. Screenshots go to test-artifacts/console/ for a human to look at.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, CHROMIUM, hasChromium, launchBrowser } from "./support/browser.ts";
import { devices, loginAs, startWorld, type World } from "./support/world.ts";

const SHOTS = join(import.meta.dirname, "..", "test-artifacts", "console");
if (!hasChromium)
  console.warn(`console e2e: ${CHROMIUM} is missing (apt-get install chromium): skipping the browser tests`);

async function until<T>(probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - start > ms) throw new Error(`not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasChromium)("web console in headless Chromium", () => {
  let w: World;
  let washer: string;
  let browser: BrowserContext;
  let page: Page;
  let launched: Browser | undefined;

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  /** A report for the washer that the failing receiver turns into a dead delivery. */
  const deadDelivery = async (laundryCycle: string): Promise<string> => {
    const vendor = w.vendors[0];
    if (!vendor) throw new Error("vendor");
    w.app.setReceiverMode("fail500");
    const pushed = await vendor.cloud.pushReport({ DeviceID: washer, DeviceStatus: { laundryCycle } });
    expect(pushed.status).toBe(200);
    return until(async () => {
      const list = await w.admin.get(
        `/admin/v1/deliveries?platId=APP-PLAT-0001&status=dead&device=${washer}`,
      );
      const ids = (list.body.deliveries as { id: string }[]).map((d) => d.id);
      return ids.length ? ids[0] : undefined;
    });
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    w = await startWorld("pglite", { HUB_DELIVERY_BACKOFF: "0s,50ms" });
    const alice = await loginAs(w, "alice", "alice-token-1");
    washer = w.vendors[0]?.deviceIds[0] ?? "";
    const bound = await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([washer]) });
    expect(bound.body.RetCode).toBe("200");
    launched = await launchBrowser();
    browser = launched.context;
    page = launched.page;
  }, 90_000);

  afterAll(async () => {
    await launched?.close();
    await w?.close();
  });

  it("sends a visitor without a session to the login page, and signs the operator in", async () => {
    await page.goto(`${w.hub.url}/console`);
    expect(new URL(page.url()).pathname).toBe("/console/login");
    await page.fill('input[name="token"]', "not-the-token");
    await page.click('button[type="submit"]');
    await expect.poll(() => page.textContent(".flash.error")).toContain("not the admin token");
    await shot("01-login-refused");

    await page.fill('input[name="token"]', w.hub.adminToken);
    await page.click('button[type="submit"]');
    await page.waitForURL("**/console/platforms");
    expect(await page.textContent("main table")).toContain("APP-PLAT-0001");
    const cookie = (await browser.cookies()).find((c) => c.name === "yunlian_console");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/console" });
    expect(cookie?.value).not.toContain(w.hub.adminToken);
    await shot("02-platforms");
  });

  it("registers a platform and shows its appSecret and webhookSecret once", async () => {
    await page.click("text=Register platform");
    await page.waitForURL("**/console/platforms/new");
    await page.fill('input[name="platId"]', "E2E-VENDOR-0001");
    await page.fill('input[name="name"]', "Vendor registered from the console");
    await page.fill('input[name="manufacturerCodes"]', "000042");
    await page.fill('input[name="apiBaseUrl"]', "http://127.0.0.1:9/v1");
    await page.fill('input[name="dataGatewayUrl"]', "http://127.0.0.1:9/v1/dataservices/dataGateway");
    await page.selectOption('select[name="securityMode"]', "hmac");
    await shot("03-register-form");
    await page.click('button:has-text("Register platform")');
    const secret = await page.textContent("#app-secret");
    expect(secret).toMatch(/^whsec_/);
    expect(await page.textContent("#webhook-secret")).toMatch(/^whsec_/);
    await shot("04-secret-once");

    const stored = await w.admin.get("/admin/v1/platforms/E2E-VENDOR-0001");
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ manufacturerCodes: ["000042"], security: { mode: "hmac" } });

    await page.click("text=Continue to the platform");
    await page.fill('input[name="name"]', "Vendor renamed in the console");
    await page.click('button:has-text("Save changes")');
    await expect.poll(() => page.textContent(".flash.ok")).toContain("Saved");
    expect((await w.admin.get("/admin/v1/platforms/E2E-VENDOR-0001")).body.name).toBe(
      "Vendor renamed in the console",
    );
    await shot("05-platform-detail");
  });

  it("shows a dead delivery and replays it", async () => {
    const id = await deadDelivery("7");
    await page.goto(`${w.hub.url}/console/deliveries`);
    const row = page.locator("#dead-letters tbody tr", { hasText: id });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain("dead");
    expect(await page.textContent("main")).toContain("Failing endpoints");
    await shot("06-deliveries-dead");

    w.app.setReceiverMode("ok");
    await row.locator('button:has-text("Replay")').click();
    await expect.poll(() => page.textContent(".flash.ok")).toContain(`${id} is pending again`);
    await until(async () => {
      const one = await w.admin.get(`/admin/v1/deliveries/${id}`);
      return one.body.status === "delivered" ? true : undefined;
    });
    await page.goto(`${w.hub.url}/console/deliveries/${id}`);
    expect(await page.textContent("main")).toContain("delivered");
    await shot("07-delivery-replayed");
  });

  it("replays dead deliveries in bulk", async () => {
    const id = await deadDelivery("8");
    await page.goto(`${w.hub.url}/console/deliveries`);
    w.app.setReceiverMode("ok");
    await page.selectOption(
      'form[action="/console/deliveries/replay"] select[name="platId"]',
      "APP-PLAT-0001",
    );
    await page.click('button:has-text("Replay failed and dead")');
    await expect
      .poll(() => page.textContent(".flash.ok"))
      .toContain("Replayed 1 deliveries of APP-PLAT-0001");
    await until(async () => {
      const one = await w.admin.get(`/admin/v1/deliveries/${id}`);
      return one.body.status === "delivered" ? true : undefined;
    });
    await page.goto(`${w.hub.url}/console/deliveries?status=delivered`);
    expect(await page.textContent("#dead-letters")).toContain(id);
    await shot("08-deliveries-after-bulk-replay");
  });

  it("decodes a device: its parts, owner, shadow, reports and subscribers", async () => {
    await page.goto(`${w.hub.url}/console/devices`);
    await page.fill('input[name="id"]', washer);
    await page.click('button:has-text("Decode")');
    await page.waitForSelector("#udid-parts");
    const parts = (await page.textContent("#udid-parts")) ?? "";
    expect(parts).toContain("000006");
    expect(parts).toContain("Vendor VENDOR-A-0000");
    expect(parts.toLowerCase()).toContain("laundry");
    const main = (await page.textContent("main")) ?? "";
    expect(main).toContain("APP-PLAT-0001");
    expect(main).toContain("laundryCycle");
    await shot("09-device");

    await page.fill('input[name="id"]', "0000069902002001X");
    await page.click('button:has-text("Decode")');
    await expect.poll(() => page.textContent(".flash.error")).toContain("Not a UDeviceID");
  });

  it("serves the interactive API reference from the hub, under its CSP", async () => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${w.hub.url}/docs`);
    await page.waitForSelector(".swagger-ui .opblock", { timeout: 20_000 });
    expect(await page.textContent(".swagger-ui")).toContain("/v1/devices/op");
    expect(errors).toEqual([]);
    await shot("11-api-reference");
  });

  it("filters the audit log", async () => {
    await page.goto(`${w.hub.url}/console/audit`);
    await page.fill('input[name="action"]', "platform.");
    await page.click('button:has-text("Filter")');
    const table = (await page.textContent("#audit")) ?? "";
    expect(table).toContain("platform.register");
    expect(table).toContain("E2E-VENDOR-0001");
    expect(table).not.toContain("console.login");
    // The edit sent only the field it changed.
    expect(table).toContain('{"fields":["name"]}');
    await shot("10-audit");

    await page.click('button:has-text("Sign out")');
    await page.waitForURL("**/console/login");
    await page.goto(`${w.hub.url}/console/platforms`);
    expect(new URL(page.url()).pathname).toBe("/console/login");
  });
});
