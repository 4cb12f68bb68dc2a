/**
 * The console's locks, without a browser: a session cookie that cannot be forged or kept past
 * its life, CSRF tokens on every change, cross-origin posts refused, strict headers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/client.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";

let hub: TestHub;
let cookie: string;
let csrf: string;

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${hub.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: hub.url, cookie, ...headers },
    body: form(fields),
  });
}

beforeAll(async () => {
  hub = await startTestHub("pglite");
  const login = await fetch(`${hub.url}/console/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: hub.url },
    body: form({ token: hub.adminToken }),
  });
  expect(login.status).toBe(303);
  cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = await (await fetch(`${hub.url}/console/platforms/new`, { headers: { cookie } })).text();
  csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
  expect(csrf).not.toBe("");
});
afterAll(async () => {
  await hub?.close();
});

describe("console sessions", () => {
  it("sets an HttpOnly, SameSite=Strict cookie that does not carry the admin token", async () => {
    const res = await post("/console/login", { token: hub.adminToken }, { cookie: "" });
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/console/);
    expect(setCookie).not.toContain(hub.adminToken);
  });

  it("marks the cookie Secure behind a TLS-terminating proxy", async () => {
    const res = await post(
      "/console/login",
      { token: hub.adminToken },
      { cookie: "", "x-forwarded-proto": "https" },
    );
    expect(res.headers.get("set-cookie")).toMatch(/Secure/);
  });

  it("refuses a wrong token with 401 and audits it", async () => {
    const res = await post("/console/login", { token: "guess" }, { cookie: "" });
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
    const audit = await adminClient(hub.url, hub.adminToken).get("/admin/v1/audit?action=console.login");
    expect(audit.body.entries).toEqual(
      expect.arrayContaining([expect.objectContaining({ actor: "anonymous", outcome: "denied" })]),
    );
  });

  it("sends pages without a valid session to the login page", async () => {
    for (const c of [
      "",
      "yunlian_console=1.forged",
      `${cookie.split(".")[0]}.AAAA`,
      "yunlian_console=99999999999999.x",
    ]) {
      const res = await fetch(`${hub.url}/console/platforms`, { redirect: "manual", headers: { cookie: c } });
      expect(res.status, c).toBe(303);
      expect(res.headers.get("location")).toBe("/console/login");
    }
  });

  it("serves pages with a strict CSP and no caching", async () => {
    const res = await fetch(`${hub.url}/console/platforms`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toMatch(/^<!doctype html>/);
  });
});

describe("console CSRF", () => {
  const body = { platId: "CSRF-APP-0001", name: "csrf", securityMode: "hmac" };

  it("refuses a change without the session's CSRF token", async () => {
    expect((await post("/console/platforms", body)).status).toBe(403);
    expect((await post("/console/platforms", { ...body, _csrf: "x".repeat(43) })).status).toBe(403);
    expect((await adminClient(hub.url, hub.adminToken).get("/admin/v1/platforms/CSRF-APP-0001")).status).toBe(
      404,
    );
  });

  it("refuses a cross-origin post even with the token", async () => {
    const res = await post(
      "/console/platforms",
      { ...body, _csrf: csrf },
      { origin: "https://evil.example" },
    );
    expect(res.status).toBe(403);
  });

  it("accepts the change with the token, from the console's own origin", async () => {
    const res = await post("/console/platforms", { ...body, _csrf: csrf });
    expect(res.status).toBe(201);
    expect(await res.text()).toContain("whsec_");
  });

  it("shows the admin API's reason when it refuses a form", async () => {
    const res = await post("/console/platforms", { ...body, platId: "bad id!", _csrf: csrf });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("platId");
  });
});
