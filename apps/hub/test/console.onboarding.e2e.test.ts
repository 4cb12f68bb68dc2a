/**
 * The partner's path in the console, in a real browser (issue 18): the operator registers a
 * sandbox platform; its pages carry the sandbox badge and where it stands with certification; the
 * partner signs in to its own view with its PlatID and appSecret and finds its keys, ingestUrl,
 * webhookSecret and how to verify a delivery in four languages; promotion is refused until the
 * certification port says certified, then issues fresh secrets, which end the partner's session;
 * the partner signs in again with them and is live. Screenshots: test-artifacts/console-onboarding/.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, CHROMIUM, hasChromium, launchBrowser } from "./support/browser.ts";
import { adminClient } from "./support/client.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";

const SHOTS = join(import.meta.dirname, "..", "test-artifacts", "console-onboarding");
if (!hasChromium)
  console.warn(`console onboarding e2e: ${CHROMIUM} is missing (apt-get install chromium): skipping`);

const PARTNER = "E2E-PARTNER-01";
const snippet = (name: string) =>
  readFileSync(join(import.meta.dirname, "..", "src", "console", "snippets", name), "utf8");

describe.skipIf(!hasChromium)("partner onboarding in the console (headless Chromium)", () => {
  let hub: TestHub;
  let browser: BrowserContext;
  let page: Page;
  let launched: Browser | undefined;
  /** What the certification port answers: the test certifies the partner halfway. */
  const certified = new Map<string, Date>();
  const secrets = { appSecret: "", webhookSecret: "" };

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const partnerSignIn = async (appSecret: string) => {
    await page.goto(`${hub.url}/console/partner`);
    await page.waitForURL("**/console/partner/login");
    await page.fill('input[name="platId"]', PARTNER);
    await page.fill('input[name="appSecret"]', appSecret);
    await page.click('button:has-text("Sign in")');
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    hub = await startTestHub(
      "pglite",
      {},
      { certification: { certifiedAt: async (platId) => certified.get(platId) ?? null } },
    );
    launched = await launchBrowser({ width: 1280, height: 900 });
    browser = launched.context;
    page = launched.page;
  }, 90_000);

  afterAll(async () => {
    await launched?.close();
    await hub?.close();
  });

  it("the operator registers a sandbox platform; its pages say sandbox and not certified", async () => {
    await page.goto(`${hub.url}/console/login`);
    await page.fill('input[name="token"]', hub.adminToken);
    await page.click('button[type="submit"]');
    await page.waitForURL("**/console/platforms");
    await page.click("text=Register platform");
    await page.fill('input[name="platId"]', PARTNER);
    await page.check('input[name="sandbox"]');
    await page.fill('input[name="name"]', "Acme cloud (sandbox)");
    await page.fill('input[name="manufacturerCodes"]', "000052");
    await page.fill('input[name="apiBaseUrl"]', "http://127.0.0.1:9/v1");
    await page.fill('input[name="dataGatewayUrl"]', "http://127.0.0.1:9/v1/dataservices/dataGateway");
    await shot("01-register-sandbox");
    await page.click('button:has-text("Register platform")');
    secrets.appSecret = (await page.textContent("#app-secret")) ?? "";
    secrets.webhookSecret = (await page.textContent("#webhook-secret")) ?? "";
    expect(secrets.appSecret).toMatch(/^whsec_/);
    expect(
      (await adminClient(hub.url, hub.adminToken).get(`/admin/v1/platforms/${PARTNER}`)).body,
    ).toMatchObject({ sandbox: true });

    await page.click("text=Continue to the platform");
    expect(await page.textContent("#namespace")).toContain("sandbox");
    expect(await page.textContent("#certification-status")).toContain("Not certified");
    expect(await page.isVisible("#promote-form")).toBe(true);
    await shot("02-platform-sandbox");
    await page.goto(`${hub.url}/console/platforms`);
    const row = page.locator("main table tbody tr", { hasText: PARTNER });
    expect(await row.locator(".badge-sandbox").textContent()).toBe("sandbox");
  });

  it("the partner signs in to its own view: keys, ingestUrl, certification, verify snippets", async () => {
    await partnerSignIn("whsec_not-the-secret");
    await expect
      .poll(() => page.textContent(".flash.error"))
      .toContain("not a PlatID with its current appSecret");
    await partnerSignIn(secrets.appSecret);
    await page.waitForURL("**/console/partner");
    expect(await page.textContent("#partner-sandbox")).toContain("sandbox");
    expect(await page.textContent("#partner-namespace")).toBe("sandbox");
    expect(await page.textContent("#partner-ingest-url")).toContain("/v1/dataservices/dataGateway/");
    expect(await page.textContent("#partner-certification")).toContain("Not certified");
    // The webhookSecret stays folded until asked for.
    expect(await page.isVisible("#webhook-secret")).toBe(false);
    await page.click("#partner-webhook-secret summary");
    expect(await page.textContent("#webhook-secret")).toBe(secrets.webhookSecret);
    const verify = (await page.textContent("#partner-verify")) ?? "";
    for (const language of ["Node.js", "Python", "Java", "Go"]) expect(verify).toContain(language);
    // The very text of docs/partners.md's snippets (partners.snippets.test.ts pins the two together).
    const codes = await page.locator("#partner-verify pre code").allTextContents();
    expect(codes).toEqual(
      ["verify-node.txt", "verify-python.txt", "verify-java.txt", "verify-go.txt"].map(snippet),
    );
    const cookie = (await browser.cookies()).find((c) => c.name === "yunlian_partner");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/console/partner" });
    expect(cookie?.value).not.toContain(secrets.appSecret);
    await shot("03-partner-view");
  });

  it("promotion is refused until certified, then issues fresh secrets that end the partner's session", async () => {
    await page.goto(`${hub.url}/console/platforms/${PARTNER}`);
    await page.click('#promote-form button:has-text("Promote to production")');
    await expect.poll(() => page.textContent(".flash.error")).toContain("is not certified");
    await shot("04-promote-refused");

    certified.set(PARTNER, new Date("2026-12-04T06:00:00.000Z"));
    await page.goto(`${hub.url}/console/platforms/${PARTNER}`);
    expect(await page.textContent("#certification-status")).toContain("Certified at 2026-12-04 06:00:00Z");
    // Certified: no force checkbox is offered.
    expect(await page.locator('#promote-form input[name="force"]').count()).toBe(0);
    await page.click('#promote-form button:has-text("Promote to production")');
    expect(await page.textContent("#secret-note")).toContain("Certified at 2026-12-04 06:00:00Z");
    const appSecret = (await page.textContent("#app-secret")) ?? "";
    expect(appSecret).toMatch(/^whsec_/);
    expect(appSecret).not.toBe(secrets.appSecret);
    expect(await page.textContent("#ingest-url")).toContain("/v1/dataservices/dataGateway/");
    await shot("05-promoted-secrets");
    await page.click("text=Continue to the platform");
    expect(await page.textContent("#namespace")).toBe("production");
    expect(await page.textContent("#production-since")).toContain("promoted from the sandbox");
    await shot("06-platform-live");

    // The rotation ended the partner's session; the new appSecret opens it again, now live.
    await page.goto(`${hub.url}/console/partner`);
    await page.waitForURL("**/console/partner/login");
    await partnerSignIn(appSecret);
    await page.waitForURL("**/console/partner");
    expect(await page.textContent("#partner-namespace")).toContain("production");
    expect(await page.textContent("#partner-certification")).toContain("Certified at 2026-12-04 06:00:00Z");
    expect(await page.locator("#partner-sandbox").count()).toBe(0);
    await shot("07-partner-live");
    await page.click('button:has-text("Sign out")');
    await page.waitForURL("**/console/partner/login");
  });
});
