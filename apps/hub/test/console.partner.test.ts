/**
 * The partner's console view kept apart from the operator's (issue 18), over plain HTTP on both
 * storages: a partner session never opens an operator page, an operator session never opens a
 * partner view, a partner sees only its own platform, sign-ins (its and an operator's) are
 * audited and throttled, logout needs the session's CSRF token, and a cross-origin sign-in is
 * refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/client.ts";
import { consoleSession } from "./support/console-session.ts";
import { postgresOrSkip, startTestHub, type TestHub } from "./support/harness.ts";
import { bothStorages } from "./support/world.ts";

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe.each(bothStorages)("partner console sessions ($storage)", ({ storage }) => {
  let hub: TestHub | undefined;
  const creds: Record<string, string> = {};

  const signIn = (platId: string, appSecret: string, origin?: string) =>
    fetch(`${hub?.url}/console/partner/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: origin ?? hub?.url ?? "" },
      body: form({ platId, appSecret }),
    });
  const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const get = (path: string, cookie: string) =>
    fetch(`${hub?.url}${path}`, { redirect: "manual", headers: { cookie } });

  beforeAll(async () => {
    if (storage === "postgres" && !(await postgresOrSkip())) return;
    hub = await startTestHub(storage, { HUB_CONSOLE_LOGIN_LIMIT: "off" });
    const admin = adminClient(hub.url, hub.adminToken);
    for (const [platId, sandbox] of [
      ["PARTNER-A", true],
      ["PARTNER-B", false],
    ] as const) {
      const reg = await admin.post("/admin/v1/platforms", { platId, name: `Partner ${platId}`, sandbox });
      creds[platId] = String(reg.body.appSecret);
    }
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
  });

  it("a partner sees its own platform only, and never an operator page", async () => {
    if (!hub) return;
    // The operator's sign-in page points partners to theirs.
    expect(await (await fetch(`${hub.url}/console/login`)).text()).toContain('href="/console/partner/login"');
    const res = await signIn("PARTNER-A", creds["PARTNER-A"] ?? "");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console/partner");
    expect(res.headers.get("set-cookie")).toContain("Path=/console/partner");
    const cookie = cookieOf(res);
    const html = await (await get("/console/partner", cookie)).text();
    expect(html).toContain("PARTNER-A");
    expect(html).not.toContain("PARTNER-B");
    // The partner's cookie, even sent to an operator page, is no operator session.
    const operatorCookie = cookie.replace("yunlian_partner=", "yunlian_console=");
    for (const c of [cookie, operatorCookie]) {
      const page = await get("/console/platforms", c);
      expect(page.status).toBe(303);
      expect(page.headers.get("location")).toBe("/console/login");
    }
  });

  it("an operator's session opens no partner view", async () => {
    if (!hub) return;
    const operator = await consoleSession(hub.url, hub.adminToken);
    const asPartner = operator.cookie.replace("yunlian_console=", "yunlian_partner=");
    for (const c of [operator.cookie, asPartner]) {
      const page = await get("/console/partner", c);
      expect(page.status).toBe(303);
      expect(page.headers.get("location")).toBe("/console/partner/login");
    }
  });

  it("audits every sign-in that opened a session: the partner's and the operator's", async () => {
    if (!hub) return;
    const admin = adminClient(hub.url, hub.adminToken);
    const partner = await admin.get("/admin/v1/audit?action=self.console.login");
    expect(partner.body.entries).toEqual([
      expect.objectContaining({ actor: "platform:PARTNER-A", target: "PARTNER-A", outcome: "ok" }),
    ]);
    const operator = await admin.get("/admin/v1/audit?action=console.login");
    expect(operator.body.entries).toEqual([
      expect.objectContaining({ actor: "operator:bootstrap", outcome: "ok", detail: { scope: "admin" } }),
    ]);
  });

  it("a wrong or previous appSecret is refused and audited; a cross-origin sign-in is refused", async () => {
    if (!hub) return;
    const wrong = await signIn("PARTNER-B", creds["PARTNER-A"] ?? "");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const unknown = await signIn("NOPE", creds["PARTNER-A"] ?? "");
    expect(unknown.status).toBe(401);
    const audit = await adminClient(hub.url, hub.adminToken).get(
      "/admin/v1/audit?action=console.partner.login",
    );
    expect(audit.body.entries).toMatchObject([
      { outcome: "denied", target: "NOPE" },
      { outcome: "denied", target: "PARTNER-B" },
    ]);
    const crossOrigin = await signIn("PARTNER-B", creds["PARTNER-B"] ?? "", "https://evil.example");
    expect(crossOrigin.status).toBe(403);

    // A rotation ends the session opened with the previous appSecret, which no longer signs in.
    const session = cookieOf(await signIn("PARTNER-B", creds["PARTNER-B"] ?? ""));
    expect((await get("/console/partner", session)).status).toBe(200);
    await adminClient(hub.url, hub.adminToken).post("/admin/v1/platforms/PARTNER-B/secret", {});
    expect((await get("/console/partner", session)).status).toBe(303);
    expect((await signIn("PARTNER-B", creds["PARTNER-B"] ?? "")).status).toBe(401);
  });

  it("logout needs the session's CSRF token", async () => {
    if (!hub) return;
    const cookie = cookieOf(await signIn("PARTNER-A", creds["PARTNER-A"] ?? ""));
    const html = await (await get("/console/partner", cookie)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
    const logout = (fields: Record<string, string>) =>
      fetch(`${hub?.url}/console/partner/logout`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: hub?.url ?? "", cookie },
        body: form(fields),
      });
    expect((await logout({ _csrf: "forged" })).status).toBe(403);
    expect((await get("/console/partner", cookie)).status).toBe(200);
    expect((await logout({ _csrf: csrf })).status).toBe(303);
    expect((await get("/console/partner", cookie)).status).toBe(303);
  });
});
