/**
 * Certification in the operator console, in a real browser (Debian's Chromium driven by
 * playwright-core): from a platform's page to its runs, start a run from the form, follow it to its
 * per-clause report, and see the certified badge on the platforms list. Screenshots go to
 * test-artifacts/console/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type DeviceCloud, startDeviceCloud } from "@yunlian/vendor-sim";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, hasChromium, launchBrowser } from "./support/browser.ts";
import { adminClient } from "./support/client.ts";
import { freePort, startTestHub, type TestHub } from "./support/harness.ts";

const SHOTS = join(import.meta.dirname, "..", "test-artifacts", "console");

describe.skipIf(!hasChromium)("certification in the console, in headless Chromium", () => {
  let hub: TestHub;
  let cloud: DeviceCloud;
  let page: Page;
  let launched: Browser | undefined;
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    hub = await startTestHub("pglite", { HUB_CERTIFICATION_REPORT_WAIT: "5s" });
    const admin = adminClient(hub.url, hub.adminToken);
    const port = await freePort();
    const reg = await admin.post("/admin/v1/platforms", {
      platId: "E2E-CERT-0001",
      name: "Vendor to certify",
      manufacturerCodes: ["000071"],
      adapter: "standard",
      apiBaseUrl: `http://127.0.0.1:${port}/v1`,
    });
    expect(reg.status).toBe(201);
    cloud = await startDeviceCloud({
      platId: "E2E-CERT-0001",
      manufacturerCode: "000071",
      port,
      verifyUrl: `${hub.url}/v1/user/verify`,
      ingestUrl: `${hub.url}${String(reg.body.ingestUrl)}`,
      appSecret: String(reg.body.appSecret),
      reportOnOp: true,
    });
    launched = await launchBrowser();
    page = launched.page;
  }, 90_000);

  afterAll(async () => {
    await launched?.close();
    await cloud?.close();
    await hub?.close();
  });

  it("starts a run from the platform's page, shows its per-clause report, then the certified badge", async () => {
    await page.goto(`${hub.url}/console/login`);
    await page.fill('input[name="token"]', hub.adminToken);
    await page.click('button[type="submit"]');
    await page.waitForURL("**/console/platforms");
    expect(await page.locator("tr", { hasText: "E2E-CERT-0001" }).locator(".badge-certified").count()).toBe(
      0,
    );

    await page.goto(`${hub.url}/console/platforms/E2E-CERT-0001`);
    expect(await page.textContent("main")).toContain("not certified");
    await page.click("text=Runs and reports");
    await page.waitForURL("**/console/platforms/E2E-CERT-0001/certification");
    const device = [...cloud.devices.keys()][0] ?? "";
    await page.fill('textarea[name="request"]', JSON.stringify({ devices: [device] }));
    await shot("20-certification-start");
    await page.click('button:has-text("Start a certification run")');
    await page.waitForURL("**/console/certification/cr_*");

    // The page says to reload while the run is in progress.
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.textContent("#run");
        },
        { timeout: 30_000, interval: 500 },
      )
      .toContain("passed");
    expect(await page.locator("#clauses tbody tr").count()).toBe(13);
    expect(await page.locator("#clause-report .badge-pass").count()).toBe(1);
    await shot("21-certification-report");

    await page.goto(`${hub.url}/console/platforms`);
    expect(await page.locator("tr", { hasText: "E2E-CERT-0001" }).locator(".badge-certified").count()).toBe(
      1,
    );
    await shot("22-certified-badge");
  }, 60_000);
});
