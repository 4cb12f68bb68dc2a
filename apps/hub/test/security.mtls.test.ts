import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DatabaseHandle, openDatabase } from "@yunlian/db";
import { pino } from "pino";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { type RunningHub, startHubServer } from "../src/server/start.ts";
import { createTestPki, type Pem, type TestPki } from "./support/certs.ts";

/** The hub serving HTTPS and asking for client certificates; platforms in mode mtls. */
describe("mtls: the client certificate's fingerprint must be one the platform registered", () => {
  let pki: TestPki;
  let running: RunningHub;
  let database: DatabaseHandle;
  let url: string;
  let dataDir: string;
  let certA: Pem;
  let certB: Pem;
  let unregistered: Pem;
  let selfSigned: Pem;
  let vendorCert: Pem;
  let ingestPath: string;

  const call = async (pem: Pem | undefined, headers: Record<string, string>, path = "/v1/users/devices") => {
    const dispatcher = new Agent({
      connect: { ca: pki.ca.cert, ...(pem ? { cert: pem.cert, key: pem.key } : {}) },
    });
    try {
      const res = await request(`${url}${path}`, {
        method: path.startsWith("/admin") ? "GET" : "POST",
        dispatcher,
        headers: { "content-type": "application/json", ...headers },
        body: path.startsWith("/admin") ? undefined : JSON.stringify({ UserID: "U-NOBODY" }),
      });
      return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
    } finally {
      await dispatcher.close();
    }
  };

  beforeAll(async () => {
    pki = createTestPki();
    certA = pki.client("platform-a");
    certB = pki.client("platform-b");
    unregistered = pki.client("stranger");
    selfSigned = pki.client("forger", "self");
    vendorCert = pki.client("vendor-v");
    dataDir = mkdtempSync(join(tmpdir(), "yunlian-mtls-"));
    const config = loadConfig({
      HUB_DATA_DIR: dataDir,
      HUB_ALLOW_PRIVATE_URLS: "1",
      HUB_ADMIN_TOKEN: "test-admin-token-0123456789-abcdefgh",
      HUB_SECRET_KEY: "11".repeat(32),
      HUB_TLS_CERT: pki.server.cert,
      HUB_TLS_KEY: pki.server.key,
      HUB_TLS_CA: pki.ca.cert,
    });
    database = await openDatabase({ dataDir: "memory://" });
    running = await startHubServer(
      { ...config, port: 0, host: "127.0.0.1" },
      { database, logger: pino({ level: "silent" }), delivery: false },
    );
    url = running.url;
    const admin = { authorization: `Bearer ${running.hub.adminToken}` };
    const operator = new Agent({ connect: { ca: pki.ca.cert } });
    for (const [platId, pem] of [
      ["MTLS-A", certA],
      ["MTLS-B", certB],
      // Registered, but not issued by the CA the hub trusts: must still be refused.
      ["MTLS-SELF", selfSigned],
    ] as const) {
      const res = await request(`${url}/admin/v1/platforms`, {
        dispatcher: operator,
        method: "POST",
        headers: { ...admin, "content-type": "application/json" },
        body: JSON.stringify({
          platId,
          name: platId,
          verifyUrl: "http://127.0.0.1:9/v",
          security: { mode: "mtls", certFingerprints: [pem.fingerprint] },
        }),
      });
      expect(res.statusCode).toBe(201);
      await res.body.dump();
    }
    const vendor = await request(`${url}/admin/v1/platforms`, {
      dispatcher: operator,
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({
        platId: "MTLS-VENDOR",
        name: "mtls vendor",
        manufacturerCodes: ["000016"],
        apiBaseUrl: "http://127.0.0.1:9/v1",
        security: { mode: "mtls", certFingerprints: [vendorCert.fingerprint] },
      }),
    });
    expect(vendor.statusCode).toBe(201);
    ingestPath = String(((await vendor.body.json()) as { ingestUrl: string }).ingestUrl);
    await operator.close();
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    await database?.close();
    pki?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("accepts the registered certificate (404 = authenticated, the user just does not exist)", async () => {
    const res = await call(certA, { PlatID: "MTLS-A" });
    expect(res.status).toBe(404);
  });

  it("identifies the platform by its certificate when PlatID is omitted", async () => {
    expect((await call(certB, {})).status).toBe(404);
  });

  it("refuses no certificate, an unregistered one, and one not issued by the trusted CA", async () => {
    for (const pem of [undefined, unregistered, selfSigned]) {
      const res = await call(pem, { PlatID: "MTLS-A" });
      expect(res.status).toBe(401);
      expect(res.body.RetCode).toBe("401");
    }
  });

  it("refuses a registered fingerprint on a certificate the trusted CA did not issue", async () => {
    expect((await call(selfSigned, { PlatID: "MTLS-SELF" })).status).toBe(401);
    expect((await call(selfSigned, {})).status).toBe(401);
  });

  it("refuses a certificate of one platform claiming another's PlatID", async () => {
    const res = await call(certA, { PlatID: "MTLS-B" });
    expect(res.status).toBe(401);
    expect(String(res.body.RetInfo)).toMatch(/not one registered for PlatID MTLS-B/);
  });

  it("self-service over mTLS: the certificate is the credential, and it reaches only its own platform", async () => {
    const own = await call(certA, { PlatID: "MTLS-A" }, "/admin/v1/self");
    expect(own.status).toBe(200);
    expect(own.body.platId).toBe("MTLS-A");
    expect((await call(certA, { PlatID: "MTLS-B" }, "/admin/v1/self")).status).toBe(401);
    expect((await call(unregistered, { PlatID: "MTLS-A" }, "/admin/v1/self")).status).toBe(401);
  });

  it("an mtls vendor's ingestUrl still needs its certificate (issue 15): the URL names it, the certificate proves it", async () => {
    expect(ingestPath).toMatch(/^\/v1\/dataservices\/dataGateway\/[A-Za-z0-9_-]{43}$/);
    for (const pem of [undefined, unregistered, certA]) {
      const res = await call(pem, {}, ingestPath);
      expect(res.status).toBe(401);
    }
    // Authenticated with no header at all: the body ({UserID}) is then refused as no report (400).
    const res = await call(vendorCert, {}, ingestPath);
    expect(res.status).toBe(400);
    expect(String(res.body.RetInfo)).toMatch(/DataType/);
  });
});
