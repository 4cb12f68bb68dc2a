/**
 * A refused request's log line says who was refused and why (issue 18: "a refused request logs
 * only path and status"): the caller's platId, the RetCode and the RetInfo, on every route.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type DatabaseHandle, openDatabase } from "@yunlian/db";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { type RunningHub, startHubServer } from "../src/server/start.ts";

const lines: Record<string, unknown>[] = [];
const logger = pino(
  { level: "info" },
  new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  }),
);

/** The log line of the request that carried this request id. */
function lineOf(requestId: string): Record<string, unknown> | undefined {
  return lines.find((l) => l.msg === "request" && l.requestId === requestId);
}

describe("refused requests are logged with platId, RetCode and reason", () => {
  let database: DatabaseHandle;
  let dataDir: string;
  let running: RunningHub;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "yunlian-refusals-"));
    const config = loadConfig({
      HUB_DATA_DIR: dataDir,
      HUB_ADMIN_TOKEN: "test-admin-token-0123456789-abcdefgh",
      HUB_SECRET_KEY: "11".repeat(32),
    });
    database = await openDatabase({ dataDir: "memory://" });
    running = await startHubServer(
      { ...config, port: 0, host: "127.0.0.1" },
      { database, logger, delivery: false },
    );
  }, 60_000);
  afterAll(async () => {
    await running?.close();
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const send = async (path: string, init: RequestInit, requestId: string) => {
    const res = await fetch(`${running.url}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), "x-request-id": requestId },
    });
    await res.text();
    // The line is written after the answer: give the listener its turn.
    for (let i = 0; i < 50 && !lineOf(requestId); i++) await new Promise((r) => setTimeout(r, 10));
    return { status: res.status, line: lineOf(requestId) };
  };

  it("a standard call from an unknown platform", async () => {
    const { status, line } = await send(
      "/v1/user/login",
      { method: "POST", headers: { PlatID: "NO-SUCH-PLAT", "content-type": "application/json" }, body: "{}" },
      "req-unknown-platform",
    );
    expect(status).toBe(401);
    expect(line).toMatchObject({ status: 401, platId: "NO-SUCH-PLAT", retCode: "401" });
    expect(String(line?.reason)).not.toBe("");
  });

  it("an admin call with a wrong token", async () => {
    const { status, line } = await send(
      "/admin/v1/platforms",
      { method: "GET", headers: { authorization: "Bearer wrong-token-wrong-token-wrong-token" } },
      "req-wrong-admin-token",
    );
    expect(status).toBe(401);
    expect(line).toMatchObject({ status: 401, retCode: "401" });
    expect(String(line?.reason)).not.toBe("");
  });

  it("a header over its limit, refused at the door", async () => {
    const { status, line } = await send(
      "/v1/user/login",
      { method: "POST", headers: { PlatID: "P".repeat(300) }, body: "{}" },
      "req-overlong-header",
    );
    expect(status).toBe(400);
    expect(line).toMatchObject({ status: 400, retCode: "400" });
    expect(String(line?.reason)).toContain("PlatID");
  });

  it("an always200 platform's refusal: HTTP 200, but the log and the metrics say the RetCode", async () => {
    const admin = {
      authorization: "Bearer test-admin-token-0123456789-abcdefgh",
      "content-type": "application/json",
    };
    const created = await fetch(`${running.url}/admin/v1/platforms`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({
        platId: "STRICT-APP",
        name: "strict app",
        verifyUrl: "https://93.184.215.14/verify", // a public literal: nothing is called here
        httpStatus: "always200",
        security: { mode: "hmac" },
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { status, line } = await send(
      "/v1/user/login",
      { method: "POST", headers: { PlatID: "STRICT-APP", "content-type": "application/json" }, body: "{}" },
      "req-always200-unsigned",
    );
    expect(status).toBe(200);
    expect(line).toMatchObject({ status: 200, platId: "STRICT-APP", retCode: "401" });
    const metrics = await (
      await fetch(`${running.url}/metrics`, { headers: { authorization: admin.authorization } })
    ).text();
    // Both refused logins of this file (the unknown platform's and this one) are counted as 401.
    expect(metrics).toContain(
      'yunlian_requests_total{interface="/v1/user/login",ret_code="401",vendor="none"} 2',
    );
    expect(metrics).not.toContain('yunlian_requests_total{interface="/v1/user/login",ret_code="200"');
  });

  it("counts requests per authenticated calling platform, never per claimed PlatID", async () => {
    const metrics = await (
      await fetch(`${running.url}/metrics`, {
        headers: { authorization: "Bearer test-admin-token-0123456789-abcdefgh" },
      })
    ).text();
    // The unknown and the unsigned callers above were never authenticated: no series for them.
    expect(metrics).toContain("# TYPE yunlian_platform_requests_total counter");
    expect(metrics).not.toContain('platform="NO-SUCH-PLAT"');
    expect(metrics).not.toContain('yunlian_platform_requests_total{platform="STRICT-APP"');
  });

  it("a successful call carries no refusal", async () => {
    const { status, line } = await send("/openapi.json", { method: "GET" }, "req-fine");
    expect(status).toBe(200);
    expect(line).toMatchObject({ status: 200 });
    expect(line?.retCode).toBeUndefined();
  });
});
