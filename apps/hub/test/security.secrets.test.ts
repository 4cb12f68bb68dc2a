import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type DatabaseHandle, openDatabase } from "@yunlian/db";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HubConfig, loadConfig } from "../src/config.ts";
import type { Hub } from "../src/hub.ts";
import { LOG_REDACT } from "../src/security/log-redact.ts";
import { type RunningHub, startHubServer } from "../src/server/start.ts";

/** Everything the hub logs, as text. */
function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: "trace" }, stream), text: () => lines.join("") };
}

const TUYA_CONFIG = {
  clientId: "tuya-client-id",
  clientSecret: "tuya-client-secret-do-not-show",
  deviceTypes: {},
};

describe("secrets: never echoed, never logged; mode none warned about", () => {
  let database: DatabaseHandle;
  let dataDir: string;
  let config: HubConfig;
  let hub: Hub;
  const logs = capturingLogger();
  let url: string;
  let running: RunningHub;
  const admin = (path: string, method = "GET", body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${hub.adminToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "yunlian-secrets-"));
    config = loadConfig({
      HUB_DATA_DIR: dataDir,
      HUB_ALLOW_PRIVATE_URLS: "1",
      HUB_ADMIN_TOKEN: "test-admin-token-0123456789-abcdefgh",
      HUB_SECRET_KEY: "11".repeat(32),
    });
    database = await openDatabase({ dataDir: "memory://" });
    running = await startHubServer(
      { ...config, port: 0, host: "127.0.0.1" },
      { database, logger: logs.log, delivery: false },
    );
    hub = running.hub;
    url = running.url;
  }, 60_000);
  afterAll(async () => {
    await running?.close();
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("shows adapterConfig secrets as *** and keeps them when a PATCH sends *** back", async () => {
    const created = await admin("/admin/v1/platforms", "POST", {
      platId: "TUYA-VENDOR",
      name: "tuya",
      manufacturerCodes: ["000021"],
      adapter: "tuya",
      adapterConfig: TUYA_CONFIG,
      apiBaseUrl: "http://127.0.0.1:9",
    });
    const shown = (await created.json()) as { adapterConfig: Record<string, unknown>; appSecret: string };
    expect(created.status).toBe(201);
    expect(shown.adapterConfig.clientSecret).toBe("***");
    expect(shown.adapterConfig.clientId).toBe("tuya-client-id");
    const got = (await (await admin("/admin/v1/platforms/TUYA-VENDOR")).json()) as {
      adapterConfig: Record<string, unknown>;
    };
    expect(JSON.stringify(got)).not.toContain(TUYA_CONFIG.clientSecret);
    const patched = await admin("/admin/v1/platforms/TUYA-VENDOR", "PATCH", {
      adapterConfig: { ...got.adapterConfig, clientId: "new-id" },
    });
    expect(patched.status).toBe(200);
    const stored = hub.registry.get("TUYA-VENDOR")?.adapterConfig as Record<string, unknown>;
    expect(stored.clientSecret).toBe(TUYA_CONFIG.clientSecret);
    expect(stored.clientId).toBe("new-id");
    // Nothing secret in anything logged so far (registration, update, platform reloads).
    expect(logs.text()).not.toContain(TUYA_CONFIG.clientSecret);
    expect(logs.text()).not.toContain(shown.appSecret);
    expect(logs.text()).not.toContain(hub.adminToken);
  });

  it("warns when a platform registers in mode none, and again at every start", async () => {
    const res = await admin("/admin/v1/platforms", "POST", {
      platId: "PLAIN-APP",
      name: "plain",
      verifyUrl: "http://127.0.0.1:9/v",
      security: { mode: "none" },
    });
    expect(res.status).toBe(201);
    const atRegistration = logs
      .text()
      .split("\n")
      .filter((l) => l.includes("PLAIN-APP"));
    expect(atRegistration.some((l) => /"level":40/.test(l) && /mode none/.test(l))).toBe(true);
    const second = capturingLogger();
    const again = await startHubServer(
      { ...config, port: 0, host: "127.0.0.1" },
      { database, logger: second.log, delivery: false },
    );
    await again.close();
    const atStart = second
      .text()
      .split("\n")
      .filter((l) => l.includes("PLAIN-APP"));
    expect(atStart.some((l) => /"level":40/.test(l) && /mode none/.test(l))).toBe(true);
  });

  it("the hub's logger redacts secret-looking fields even when code logs an object carrying them", () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = pino({ redact: LOG_REDACT }, stream);
    log.error({ platform: { appSecret: "whsec_leak", adapterConfig: { clientSecret: "leak2" } } }, "oops");
    log.error({ req: { headers: { authorization: "Bearer leak3" } } }, "oops");
    expect(lines.join("")).not.toMatch(/leak/);
  });
});
