import { writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cli, type FakeHub, haier, midea, startFakeHub, TOKEN } from "./support/fake-hub.ts";

let hub: FakeHub;
beforeEach(async () => {
  hub = await startFakeHub();
});
afterEach(async () => {
  await hub.close();
});

describe("platforms list", () => {
  it("prints an aligned table (CJK names count two columns) from GET /admin/v1/platforms", async () => {
    hub.on("GET /admin/v1/platforms", { status: 200, body: { platforms: [haier, midea] } });
    const r = await cli(["platforms", "list"], { hubUrl: hub.url });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toBe(
      [
        "PLAT ID             NAME      CODES                      ADAPTER   SECURITY  APP ID        CREATED",
        "PARTNER-HAIER-0000  Haier U+  000006                     standard  hmac      app_haier_01  2025-03-01 08:00:00Z",
        "PARTNER-MIDEA-0000  美的美居  000012,000013,000014 (+1)  standard  mtls      app_midea_01  2025-03-02 09:30:00Z",
        "",
      ].join("\n"),
    );
    expect(hub.requests).toEqual([
      {
        method: "GET",
        url: "/admin/v1/platforms",
        authorization: `Bearer ${TOKEN}`,
        contentType: undefined,
        body: undefined,
      },
    ]);
  });

  it("--json prints the answer as it came", async () => {
    const answer = { platforms: [haier] };
    hub.on("GET /admin/v1/platforms", { status: 200, body: answer });
    const r = await cli(["--json", "platforms", "list"], { hubUrl: hub.url });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(answer);
  });

  it("says so when nothing is registered", async () => {
    hub.on("GET /admin/v1/platforms", { status: 200, body: { platforms: [] } });
    const r = await cli(["platforms", "list"], { hubUrl: hub.url });
    expect(r.stdout).toBe("No platforms registered.\n");
  });

  it("--url and --token override HUB_URL and HUB_ADMIN_TOKEN", async () => {
    hub.on("GET /admin/v1/platforms", { status: 200, body: { platforms: [] } });
    const r = await cli(["--url", hub.url, "platforms", "list", "--token", TOKEN], {
      env: { HUB_URL: "http://127.0.0.1:1", HUB_ADMIN_TOKEN: "wrong" },
    });
    expect(r.code).toBe(0);
  });
});

describe("platforms register", () => {
  const secret = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";
  const webhookSecret = "whsec_d2ViaG9vay13ZWJob29rLXdlYmhvb2std2ViaG9vay0zMmI=";

  it("sends the flags as the register body and prints both secrets once, with a warning", async () => {
    hub.on("POST /admin/v1/platforms", (req) => ({
      status: 201,
      body: {
        ...haier,
        ...(req.body as object),
        vendorAppId: "haier-issued",
        appSecret: secret,
        webhookSecret,
      },
    }));
    const r = await cli(
      [
        "platforms",
        "register",
        "--plat-id",
        "PARTNER-HAIER-0000",
        "--name",
        "Haier U+",
        "--code",
        "000006",
        "--code",
        "000007",
        "--api-base-url",
        "https://haier.example/v1",
        "--verify-url",
        "https://haier.example/v1/user/verify",
        "--data-gateway-url",
        "https://haier.example/v1/dataservices/dataGateway",
        "--mode",
        "hmac",
        "--adapter",
        "standard",
        "--adapter-config",
        '{"region":"cn"}',
        "--app-id",
        "haier-issued",
      ],
      { hubUrl: hub.url },
    );
    expect(r.code).toBe(0);
    expect(hub.requests).toHaveLength(1);
    expect(hub.requests[0]).toMatchObject({
      method: "POST",
      url: "/admin/v1/platforms",
      contentType: "application/json",
    });
    expect(hub.requests[0]?.body).toEqual({
      platId: "PARTNER-HAIER-0000",
      name: "Haier U+",
      manufacturerCodes: ["000006", "000007"],
      adapter: "standard",
      adapterConfig: { region: "cn" },
      apiBaseUrl: "https://haier.example/v1",
      verifyUrl: "https://haier.example/v1/user/verify",
      dataGatewayUrl: "https://haier.example/v1/dataservices/dataGateway",
      appId: "haier-issued",
      security: { mode: "hmac" },
    });
    expect(r.stdout).toContain("Registered platform PARTNER-HAIER-0000.\n");
    expect(r.stdout).toMatch(/\nmanufacturerCodes +000006,000007\n/);
    expect(r.stdout).toMatch(/\nadapterConfig.region +cn\n/);
    expect(r.stdout).toContain(`\nappSecret      ${secret}\nwebhookSecret  ${webhookSecret}\n`);
    expect(r.stdout.split(secret)).toHaveLength(2); // shown once
    expect(r.stdout.split(webhookSecret)).toHaveLength(2);
    expect(r.stderr).toContain("store the appSecret and the webhookSecret now");
  });

  it("--file supplies the body and flags override its fields", async () => {
    hub.on("POST /admin/v1/platforms", { status: 201, body: { ...haier, appSecret: secret, webhookSecret } });
    const dir = await mkdtemp(join(tmpdir(), "hubctl-"));
    writeFileSync(
      join(dir, "body.json"),
      JSON.stringify({
        platId: "PARTNER-HAIER-0000",
        name: "from file",
        manufacturerCodes: ["000006"],
        security: { mode: "mtls", certFingerprints: [] },
      }),
    );
    const r = await cli(
      ["platforms", "register", "--file", "body.json", "--name", "Haier U+", "--mode", "hmac", "--json"],
      {
        hubUrl: hub.url,
        cwd: dir,
      },
    );
    expect(r.code).toBe(0);
    expect(hub.requests[0]?.body).toEqual({
      platId: "PARTNER-HAIER-0000",
      name: "Haier U+",
      manufacturerCodes: ["000006"],
      security: { mode: "hmac", certFingerprints: [] },
    });
    expect(JSON.parse(r.stdout)).toEqual({ ...haier, appSecret: secret, webhookSecret });
    expect(r.stderr).toContain("store the appSecret and the webhookSecret now");
  });
});

describe("platforms show / edit / rotate-secret / delete", () => {
  it("show prints the fields as key/value lines", async () => {
    hub.on("GET /admin/v1/platforms/PARTNER-HAIER-0000", { status: 200, body: haier });
    const r = await cli(["platforms", "show", "PARTNER-HAIER-0000"], { hubUrl: hub.url });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "platId                     PARTNER-HAIER-0000",
        "name                       Haier U+",
        "manufacturerCodes          000006",
        "adapter                    standard",
        "adapterConfig              {}",
        "apiBaseUrl                 https://haier.example/v1",
        "verifyUrl                  https://haier.example/v1/user/verify",
        "dataGatewayUrl             https://haier.example/v1/dataservices/dataGateway",
        "vendorAppId                -",
        "appId                      app_haier_01",
        "security.mode              hmac",
        "security.certFingerprints  -",
        "dataGatewayDisabledAt      -",
        "createdAt                  2025-03-01 08:00:00Z",
        "updatedAt                  2025-03-01 08:00:00Z",
        "",
      ].join("\n"),
    );
  });

  it("edit PATCHes only the given fields; an empty URL is sent as null", async () => {
    hub.on("PATCH /admin/v1/platforms/PARTNER-HAIER-0000", {
      status: 200,
      body: { ...haier, verifyUrl: null },
    });
    const r = await cli(
      [
        "platforms",
        "edit",
        "PARTNER-HAIER-0000",
        "--verify-url",
        "",
        "--mode",
        "mtls",
        "--cert-fingerprint",
        "AB".repeat(32),
      ],
      { hubUrl: hub.url },
    );
    expect(r.code).toBe(0);
    expect(hub.requests[0]).toMatchObject({ method: "PATCH", url: "/admin/v1/platforms/PARTNER-HAIER-0000" });
    expect(hub.requests[0]?.body).toEqual({
      verifyUrl: null,
      security: { mode: "mtls", certFingerprints: ["AB".repeat(32)] },
    });
    expect(r.stdout).toContain("Updated platform PARTNER-HAIER-0000.\n");
  });

  it("register and edit take --http-status (always200 for a client built to the letter of the standard)", async () => {
    hub.on("PATCH /admin/v1/platforms/STRICT-APP", {
      status: 200,
      body: { ...haier, platId: "STRICT-APP", httpStatus: "always200" },
    });
    const r = await cli(["platforms", "edit", "STRICT-APP", "--http-status", "always200"], {
      hubUrl: hub.url,
    });
    expect(r.code).toBe(0);
    expect(hub.requests[0]?.body).toEqual({ httpStatus: "always200" });
    expect(r.stdout).toMatch(/httpStatus +always200/);
  });

  it("edit --events opts in to opResult deliveries, and --events '' out (docs/design.md §7)", async () => {
    hub.on("PATCH /admin/v1/platforms/OPS-APP", {
      status: 200,
      body: { ...haier, platId: "OPS-APP", events: ["opResult"] },
    });
    const r = await cli(["platforms", "edit", "OPS-APP", "--events", "opResult"], { hubUrl: hub.url });
    expect(r.code).toBe(0);
    expect(hub.requests[0]?.body).toEqual({ events: ["opResult"] });
    const out = await cli(["platforms", "edit", "OPS-APP", "--events", ""], { hubUrl: hub.url });
    expect(out.code).toBe(0);
    expect(hub.requests[1]?.body).toEqual({ events: [] });
    const bad = await cli(["platforms", "edit", "OPS-APP", "--events", "everything"], { hubUrl: hub.url });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--events must be one of opResult");
  });

  it("edit --clear-codes sends an empty list", async () => {
    hub.on("PATCH /admin/v1/platforms/APP-ONLY", {
      status: 200,
      body: { ...haier, platId: "APP-ONLY", manufacturerCodes: [] },
    });
    const r = await cli(["platforms", "edit", "APP-ONLY", "--clear-codes", "--json"], { hubUrl: hub.url });
    expect(r.code).toBe(0);
    expect(hub.requests[0]?.body).toEqual({ manufacturerCodes: [] });
  });

  it("rotate-secret POSTs to /secret and prints the new secrets and the grace period", async () => {
    hub.on("POST /admin/v1/platforms/PARTNER-HAIER-0000/secret", {
      status: 200,
      body: {
        appSecret: "whsec_bmV3",
        webhookSecret: "whsec_aG9vaw==",
        previousSecretValidUntil: "2025-03-02T08:00:00.000Z",
      },
    });
    const r = await cli(["platforms", "rotate-secret", "PARTNER-HAIER-0000"], { hubUrl: hub.url });
    expect(r.code).toBe(0);
    expect(hub.requests[0]).toMatchObject({
      method: "POST",
      url: "/admin/v1/platforms/PARTNER-HAIER-0000/secret",
      body: undefined,
    });
    expect(r.stdout).toBe(
      [
        "New appSecret and webhookSecret for PARTNER-HAIER-0000.",
        "appSecret                 whsec_bmV3",
        "webhookSecret             whsec_aG9vaw==",
        "previousSecretValidUntil  2025-03-02 08:00:00Z",
        "",
      ].join("\n"),
    );
    expect(r.stderr).toContain("store the appSecret and the webhookSecret now");
  });

  it("rotate-secret of a vendor prints its new ingestUrl; show prints the current one", async () => {
    const ingestUrl =
      "https://hub.example/v1/dataservices/dataGateway/Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg";
    hub.on("POST /admin/v1/platforms/PARTNER-HAIER-0000/secret", {
      status: 200,
      body: {
        appSecret: "whsec_bmV3",
        webhookSecret: "whsec_aG9vaw==",
        previousSecretValidUntil: "2025-03-02T08:00:00.000Z",
        ingestUrl,
      },
    });
    const r = await cli(["platforms", "rotate-secret", "PARTNER-HAIER-0000"], { hubUrl: hub.url });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`ingestUrl                 ${ingestUrl}\n`);
    hub.on("GET /admin/v1/platforms/PARTNER-HAIER-0000", { status: 200, body: { ...haier, ingestUrl } });
    const shown = await cli(["platforms", "show", "PARTNER-HAIER-0000"], { hubUrl: hub.url });
    expect(shown.stdout).toContain(`ingestUrl                  ${ingestUrl}\n`);
  });

  it("rotate-secret --grace-seconds 0 ends the previous secrets at once (a leaked secret)", async () => {
    hub.on("POST /admin/v1/platforms/PARTNER-HAIER-0000/secret", {
      status: 200,
      body: { appSecret: "whsec_bmV3", webhookSecret: "whsec_aG9vaw==", previousSecretValidUntil: null },
    });
    const r = await cli(["platforms", "rotate-secret", "PARTNER-HAIER-0000", "--grace-seconds", "0"], {
      hubUrl: hub.url,
    });
    expect(r.code).toBe(0);
    expect(hub.requests[0]).toMatchObject({
      method: "POST",
      url: "/admin/v1/platforms/PARTNER-HAIER-0000/secret",
      contentType: "application/json",
      body: { graceSeconds: 0 },
    });
    expect(r.stdout).toContain("previousSecretValidUntil  ended now\n");
    for (const bad of ["-1", "86401", "1.5", "soon"]) {
      const refused = await cli(["platforms", "rotate-secret", "X", "--grace-seconds", bad], {
        hubUrl: hub.url,
      });
      expect(refused.code, bad).toBe(2);
      expect(refused.stderr).toContain("--grace-seconds");
    }
    expect(hub.requests).toHaveLength(1);
  });

  it("delete needs --yes, then DELETEs and exits 0 on 204", async () => {
    hub.on("DELETE /admin/v1/platforms/PARTNER-HAIER-0000", { status: 204 });
    const refused = await cli(["platforms", "delete", "PARTNER-HAIER-0000"], { hubUrl: hub.url });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("add --yes to confirm");
    expect(hub.requests).toHaveLength(0);

    const r = await cli(["platforms", "delete", "PARTNER-HAIER-0000", "--yes"], { hubUrl: hub.url });
    expect(r).toEqual({ code: 0, stdout: "Deleted platform PARTNER-HAIER-0000.\n", stderr: "" });
    expect(hub.requests.map((q) => `${q.method} ${q.url}`)).toEqual([
      "DELETE /admin/v1/platforms/PARTNER-HAIER-0000",
    ]);
  });

  it("escapes path segments", async () => {
    hub.on("GET /admin/v1/platforms/a%2Fb", { status: 200, body: haier });
    const r = await cli(["platforms", "show", "a/b", "--json"], { hubUrl: hub.url });
    expect(r.code).toBe(0);
    expect(hub.requests[0]?.url).toBe("/admin/v1/platforms/a%2Fb");
  });
});

describe("platforms: the sandbox and promote (issue 18)", () => {
  it("register --sandbox sends sandbox: true; list shows a sandbox column only when one is", async () => {
    hub.on("POST /admin/v1/platforms", {
      status: 201,
      body: {
        ...haier,
        platId: "PARTNER-ACME-0000",
        sandbox: true,
        appSecret: "whsec_YQ==",
        webhookSecret: "whsec_Yg==",
      },
    });
    const r = await cli(
      ["platforms", "register", "--plat-id", "PARTNER-ACME-0000", "--name", "Acme", "--sandbox"],
      {
        hubUrl: hub.url,
      },
    );
    expect(r.code).toBe(0);
    expect(hub.requests[0]?.body).toEqual({ platId: "PARTNER-ACME-0000", name: "Acme", sandbox: true });
    hub.on("GET /admin/v1/platforms", {
      status: 200,
      body: { platforms: [haier, { ...haier, platId: "PARTNER-ACME-0000", sandbox: true }] },
    });
    const listed = await cli(["platforms", "list"], { hubUrl: hub.url });
    const lines = listed.stdout.split("\n");
    expect(lines[0]).toMatch(/CREATED\s+SANDBOX$/);
    expect(lines[2]).toMatch(/^PARTNER-ACME-0000 .* sandbox$/);
    expect(lines[1]).not.toContain("sandbox");
  });

  it("promote POSTs to /promote (--force sends force: true) and prints the fresh secrets once", async () => {
    hub.on("POST /admin/v1/platforms/PARTNER-ACME-0000/promote", {
      status: 200,
      body: {
        platform: { ...haier, platId: "PARTNER-ACME-0000", sandbox: false },
        appSecret: "whsec_bmV3",
        webhookSecret: "whsec_aG9vaw==",
        certifiedAt: null,
        forced: true,
        removed: { users: 2, bindings: 3, grants: 0, devices: 1 },
      },
    });
    const r = await cli(["platforms", "promote", "PARTNER-ACME-0000", "--force"], { hubUrl: hub.url });
    expect(r.code).toBe(0);
    expect(hub.requests[0]).toMatchObject({
      method: "POST",
      url: "/admin/v1/platforms/PARTNER-ACME-0000/promote",
      body: { force: true },
    });
    expect(r.stdout).toBe(
      [
        "Promoted PARTNER-ACME-0000 to production (forced: not certified).",
        "appSecret      whsec_bmV3",
        "webhookSecret  whsec_aG9vaw==",
        "certifiedAt    not certified",
        "removed        2 users, 3 bindings, 0 grants, 1 device shadows",
        "",
      ].join("\n"),
    );
    expect(r.stderr).toContain("store the appSecret and the webhookSecret now");
  });

  it("promote of a platform that is not certified names the refusal and exits non-zero", async () => {
    hub.on("POST /admin/v1/platforms/PARTNER-ACME-0000/promote", {
      status: 409,
      body: {
        RetCode: "409",
        RetInfo:
          'platform PARTNER-ACME-0000 is not certified: run a certification against its cloud first, or promote with {"force": true}',
      },
    });
    const r = await cli(["platforms", "promote", "PARTNER-ACME-0000"], { hubUrl: hub.url });
    expect(r.code).not.toBe(0);
    expect(hub.requests[0]?.body).toBeUndefined();
    expect(r.stderr).toContain("is not certified");
  });
});
