/**
 * Console sessions held server-side (issue 14 part 6): logout ends the session, so the old
 * cookie is dead; revoking the operator key or changing HUB_ADMIN_TOKEN ends the sessions opened
 * with it; sessions are shared by hub instances on one database. Failed logins are audited within
 * the bounded budget and throttled per client address.
 */
import { afterAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/client.ts";
import { postgresOrSkip, startTestHub, type TestHub } from "./support/harness.ts";

const hubs: TestHub[] = [];
afterAll(async () => {
  for (const h of hubs.reverse()) await h.close();
});

async function hub(storage: "pglite" | "postgres", env: Record<string, string> = {}, databaseUrl?: string) {
  const h = await startTestHub(storage, env, { databaseUrl });
  hubs.push(h);
  return h;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

function login(url: string, token: string) {
  return fetch(`${url}/console/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: url },
    body: form({ token }),
  });
}

async function signIn(url: string, token: string): Promise<string> {
  const res = await login(url, token);
  expect(res.status).toBe(303);
  return (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

/** The page's answer with that cookie: 200 (signed in) or the redirect to the login page. */
async function openPage(url: string, cookie: string, path = "/console/platforms") {
  const res = await fetch(`${url}${path}`, { redirect: "manual", headers: { cookie } });
  return { status: res.status, location: res.headers.get("location"), text: await res.text() };
}

async function csrfOf(url: string, cookie: string): Promise<string> {
  const page = await openPage(url, cookie, "/console/platforms/new");
  return /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? "";
}

function post(url: string, path: string, cookie: string, fields: Record<string, string>) {
  return fetch(`${url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: url, cookie },
    body: form(fields),
  });
}

describe("console sessions end when they should", () => {
  it("logout ends the session: the old cookie is sent back to the login page", async () => {
    const h = await hub("pglite");
    const cookie = await signIn(h.url, h.adminToken);
    expect((await openPage(h.url, cookie)).status).toBe(200);
    const csrf = await csrfOf(h.url, cookie);
    expect((await post(h.url, "/console/logout", cookie, { _csrf: csrf })).status).toBe(303);
    // The stolen or kept copy of the cookie: dead, although within its 12 h.
    expect(await openPage(h.url, cookie)).toMatchObject({ status: 303, location: "/console/login" });
    expect((await post(h.url, "/console/platforms", cookie, { _csrf: csrf, platId: "X" })).status).toBe(401);
  });

  it("revoking the operator key ends the sessions opened with it, not the others", async () => {
    const h = await hub("pglite");
    const admin = adminClient(h.url, h.adminToken);
    const created = await admin.post("/admin/v1/operator-keys", { name: "alice", scope: "admin" });
    expect(created.status).toBe(201);
    const keyCookie = await signIn(h.url, String(created.body.secret));
    const bootstrapCookie = await signIn(h.url, h.adminToken);
    expect((await openPage(h.url, keyCookie)).status).toBe(200);
    expect((await admin.delete("/admin/v1/operator-keys/alice")).status).toBe(200);
    expect(await openPage(h.url, keyCookie)).toMatchObject({ status: 303, location: "/console/login" });
    expect((await openPage(h.url, bootstrapCookie)).status).toBe(200);
  });

  it("a read key opens a read-only console: pages yes, changes 403", async () => {
    const h = await hub("pglite");
    const admin = adminClient(h.url, h.adminToken);
    const created = await admin.post("/admin/v1/operator-keys", { name: "dashboard", scope: "read" });
    const cookie = await signIn(h.url, String(created.body.secret));
    expect((await openPage(h.url, cookie)).status).toBe(200);
    const csrf = await csrfOf(h.url, cookie);
    const res = await post(h.url, "/console/platforms", cookie, {
      _csrf: csrf,
      platId: "READONLY-0001",
      name: "x",
      securityMode: "hmac",
    });
    expect(res.status).toBe(403);
    expect((await admin.get("/admin/v1/platforms/READONLY-0001")).status).toBe(404);
    // Signing out is the one change a read-only session may make.
    expect((await post(h.url, "/console/logout", cookie, { _csrf: csrf })).status).toBe(303);
    expect((await openPage(h.url, cookie)).status).toBe(303);
  });

  it("sessions are shared by instances on one database; a changed HUB_ADMIN_TOKEN ends them", async () => {
    if (!(await postgresOrSkip())) return;
    const a = await hub("postgres");
    const b = await hub("postgres", {}, a.databaseUrl);
    const rotated = await hub(
      "postgres",
      { HUB_ADMIN_TOKEN: "rotated-admin-token-0123456789-abcdefgh" },
      a.databaseUrl,
    );
    const cookie = await signIn(a.url, a.adminToken);
    expect((await openPage(b.url, cookie)).status).toBe(200);
    // The instance that runs with the new token does not accept a session of the old one.
    expect(await openPage(rotated.url, cookie)).toMatchObject({ status: 303, location: "/console/login" });
    // Logout on one instance ends the session on the other.
    const csrf = await csrfOf(b.url, cookie);
    expect((await post(b.url, "/console/logout", cookie, { _csrf: csrf })).status).toBe(303);
    expect(await openPage(a.url, cookie)).toMatchObject({ status: 303, location: "/console/login" });
  });
});

describe("operator keys in the console", () => {
  it("creates a key (its secret shown once), lists it, and revokes it; the audit names the signed-in key", async () => {
    const h = await hub("pglite");
    const admin = adminClient(h.url, h.adminToken);
    const ops = await admin.post("/admin/v1/operator-keys", { name: "ops-alice", scope: "admin" });
    const cookie = await signIn(h.url, String(ops.body.secret));
    const page = await openPage(h.url, cookie, "/console/operator-keys");
    expect(page.status).toBe(200);
    expect(page.text).toContain("ops-alice");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? "";
    const created = await post(h.url, "/console/operator-keys", cookie, {
      _csrf: csrf,
      name: "grafana",
      scope: "read",
    });
    expect(created.status).toBe(200);
    const html = await created.text();
    const secret = /id="operator-key-secret">([^<]+)</.exec(html)?.[1] ?? "";
    expect(secret).toMatch(/^yko_/);
    expect((await adminClient(h.url, secret).get("/admin/v1/platforms")).status).toBe(200);
    // Shown once: the list page never carries it.
    expect((await openPage(h.url, cookie, "/console/operator-keys")).text).not.toContain(secret);
    const list = await admin.get("/admin/v1/operator-keys");
    const id = (list.body.keys as { id: string; name: string }[]).find((k) => k.name === "grafana")?.id ?? "";
    const revoked = await post(h.url, `/console/operator-keys/${id}/revoke`, cookie, { _csrf: csrf });
    expect(revoked.status).toBe(200);
    expect((await adminClient(h.url, secret).get("/admin/v1/platforms")).status).toBe(401);
    const audit = await admin.get("/admin/v1/audit?action=operator-key.*");
    expect(audit.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: "operator-key.create",
          actor: "operator:ops-alice",
          target: "grafana",
        }),
        expect.objectContaining({
          action: "operator-key.revoke",
          actor: "operator:ops-alice",
          target: "grafana",
        }),
      ]),
    );
  });
});

describe("failed console logins", () => {
  it("80 bad logins write a bounded number of audit rows (the rest are counted)", async () => {
    const h = await hub("pglite", { HUB_CONSOLE_LOGIN_LIMIT: "off" });
    const started = Date.now();
    for (let i = 0; i < 80; i++) expect((await login(h.url, `guess-${i}`)).status).toBe(401);
    const elapsedS = (Date.now() - started) / 1000;
    const audit = await adminClient(h.url, h.adminToken).get(
      "/admin/v1/audit?action=console.login&limit=500",
    );
    const denied = (audit.body.entries as { outcome: string }[]).filter((e) => e.outcome === "denied");
    // AuthFailureAudit: a burst of 50 rows per source, then 5 a second (computed, not timed).
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.length).toBeLessThanOrEqual(50 + Math.ceil(elapsedS * 5));
    expect(denied.length).toBeLessThan(80);
  });

  it("throttles an address after its budget of failures: 429 and a clear page, even for the right token", async () => {
    const h = await hub("pglite", { HUB_CONSOLE_LOGIN_LIMIT: "1/h,burst=5" });
    const answers: number[] = [];
    for (let i = 0; i < 8; i++) answers.push((await login(h.url, `guess-${i}`)).status);
    expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(answers.at(-1)).toBe(429);
    const right = await login(h.url, h.adminToken);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await right.text()).toContain("Too many failed sign-ins");
    // The admin API is another door: the operator is not locked out of it.
    expect((await adminClient(h.url, h.adminToken).get("/admin/v1/platforms")).status).toBe(200);
  });
});
