import { miotSimAdapterConfig, startMiotSim } from "@yunlian/adapter-miot/sim";
import { startTuyaSim, tuyaSimAdapterConfig } from "@yunlian/adapter-tuya/sim";
import { run as hubctlRun } from "@yunlian/cli";
import { bindings, deliveries, hubUsers } from "@yunlian/db";
import { type CloudFaults, type DeviceCloud, startDeviceCloud } from "@yunlian/vendor-sim";
import { like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CertificationRun } from "../src/openapi/certification-operations.ts";
import { certifiedAt } from "../src/services/certification/run-store.ts";
import { certify, describeRun, failedClauses, waitForRun } from "./support/certification.ts";
import { adminClient } from "./support/client.ts";
import { consoleSession } from "./support/console-session.ts";
import { freePort, startTestHub, type TestHub } from "./support/harness.ts";
import { selfClient } from "./support/self-client.ts";

/**
 * Issue 18, certification of a vendor cloud: the hub exercises every interface through the vendor's
 * adapter against the live cloud. Our standard simulator (lenient and strict), the MIoT-style and the
 * Tuya-style simulators pass; a simulator with one injected fault fails exactly that clause.
 */
describe("certification of vendor clouds", () => {
  let hub: TestHub;
  let admin: ReturnType<typeof adminClient>;
  const closers: (() => Promise<void>)[] = [];

  async function standardCloud(
    platId: string,
    code: string,
    opts: { strict?: boolean; faults?: CloudFaults } = {},
  ): Promise<{ cloud: DeviceCloud; appSecret: string; appId: string }> {
    const port = await freePort();
    const reg = await admin.post("/admin/v1/platforms", {
      platId,
      name: platId,
      manufacturerCodes: [code],
      adapter: "standard",
      apiBaseUrl: `http://127.0.0.1:${port}/v1`,
      security: { mode: opts.strict ? "none" : "hmac" },
      ...(opts.strict ? { appId: `${platId}-APPID` } : {}),
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const cloud = await startDeviceCloud({
      platId,
      appId: String(reg.body.appId),
      manufacturerCode: code,
      port,
      verifyUrl: `${hub.url}/v1/user/verify`,
      ingestUrl: `${hub.url}${String(reg.body.ingestUrl)}`,
      reportOnOp: true,
      ...(opts.strict ? { strict: true } : { appSecret: String(reg.body.appSecret) }),
      ...(opts.faults ? { faults: opts.faults } : {}),
    });
    closers.push(() => cloud.close());
    return { cloud, appSecret: String(reg.body.appSecret), appId: String(reg.body.appId) };
  }

  beforeAll(async () => {
    hub = await startTestHub("pglite", { HUB_CERTIFICATION_REPORT_WAIT: "5s" });
    admin = adminClient(hub.url, hub.adminToken);
  }, 60_000);
  afterAll(async () => {
    for (const close of closers) await close();
    await hub?.close();
  });

  it("certifies the standard simulator, and the run leaves no test user behind", async () => {
    const { cloud } = await standardCloud("CERT-STD-0001", "000031");
    const devices = [...cloud.devices.keys()].slice(0, 2);
    const run = await certify(admin, "CERT-STD-0001", { devices, testUsers: ["alice", "bob"] });
    expect(failedClauses(run), describeRun(run)).toEqual([]);
    expect(run.status).toBe("passed");
    expect(run.certified).toBe(true);
    expect(run.report?.clauses.map((c) => c.outcome)).not.toContain("not_applicable");
    expect(await certifiedAt(hub.hub.database.db, "CERT-STD-0001")).toBeInstanceOf(Date);
    const left = await hub.hub.database.db.select().from(hubUsers).where(like(hubUsers.loginId, "~cert-%"));
    expect(left).toEqual([]);
    // Nothing written for any platform: no binding recorded, no delivery queued by the run's report.
    expect(await hub.hub.database.db.select().from(bindings)).toEqual([]);
    expect(await hub.hub.database.db.select().from(deliveries)).toEqual([]);
    // Only the listed devices were touched: the cloud's other devices never appeared in a call.
    const others = [...cloud.devices.keys()].slice(2);
    expect(JSON.stringify(cloud.calls)).not.toContain(others[0]);
  }, 60_000);

  it("certifies a cloud built to the letter of the standard (strict simulator)", async () => {
    const { cloud } = await standardCloud("CERT-STRICT-01", "000032", { strict: true });
    const run = await certify(admin, "CERT-STRICT-01", { devices: [...cloud.devices.keys()].slice(0, 1) });
    expect(failedClauses(run), describeRun(run)).toEqual([]);
    expect(run.status).toBe("passed");
  }, 60_000);

  it("certifies the MIoT-style simulator through the miot adapter", async () => {
    const port = await freePort();
    const reg = await admin.post("/admin/v1/platforms", {
      platId: "CERT-MIOT-0001",
      name: "MIoT",
      manufacturerCodes: ["000033"],
      adapter: "miot",
      adapterConfig: miotSimAdapterConfig(),
      apiBaseUrl: `http://127.0.0.1:${port}`,
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const miot = await startMiotSim({
      port,
      platId: "CERT-MIOT-0001",
      manufacturerCode: "000033",
      verifyUrl: `${hub.url}/v1/user/verify`,
      pushUrl: `${hub.url}/v1/dataservices/dataGateway`,
      appSecret: String(reg.body.appSecret),
      pushOnSet: true,
    });
    closers.push(() => miot.close());
    const washer = miot.deviceIds.find((id) => id.slice(8, 13) === "02002") ?? "";
    const run = await certify(admin, "CERT-MIOT-0001", { devices: [washer] });
    expect(failedClauses(run), describeRun(run)).toEqual([]);
    expect(run.status).toBe("passed");
  }, 60_000);

  it("certifies the Tuya-style simulator; clauses its adapter has no use for are not applicable", async () => {
    const port = await freePort();
    const reg = await admin.post("/admin/v1/platforms", {
      platId: "CERT-TUYA-0001",
      name: "Tuya",
      manufacturerCodes: ["000034"],
      adapter: "tuya",
      adapterConfig: tuyaSimAdapterConfig(),
      apiBaseUrl: `http://127.0.0.1:${port}`,
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const tuya = await startTuyaSim({
      port,
      platId: "CERT-TUYA-0001",
      manufacturerCode: "000034",
      pushUrl: `${hub.url}/v1/dataservices/dataGateway`,
      appSecret: String(reg.body.appSecret),
      pushOnCommand: true,
    });
    closers.push(() => tuya.close());
    const washer = tuya.deviceIds.find((id) => id.slice(8, 13) === "02002") ?? "";
    const run = await certify(admin, "CERT-TUYA-0001", { devices: [washer] });
    expect(failedClauses(run), describeRun(run)).toEqual([]);
    expect(run.status).toBe("passed");
    const na = run.report?.clauses.filter((c) => c.outcome === "not_applicable").map((c) => c.id);
    expect(na).toEqual(["verify-callback", "session-expiry"]);
  }, 60_000);

  it("a cloud answering wrong FailedIDs fails exactly the bind clause, with the request and the answer", async () => {
    const { cloud } = await standardCloud("CERT-FAULT-01", "000035", { faults: { wrongFailedIds: true } });
    const run = await certify(admin, "CERT-FAULT-01", { devices: [...cloud.devices.keys()].slice(0, 1) });
    expect(failedClauses(run), describeRun(run)).toEqual(["bind"]);
    expect(run.status).toBe("failed");
    expect(run.certified).toBe(false);
    const bind = run.report?.clauses.find((c) => c.id === "bind");
    expect(bind?.detail).toContain("does not name the unknown device");
    const exchange = bind?.exchanges?.find((e) => e.url.endsWith("/user/bindDevices"));
    expect(exchange?.requestBody).toContain("ZZCERT");
    expect(exchange?.answer).toContain('"FailedIDs":[]');
    // Secrets redacted: the session token and the signature never reach the report.
    expect(exchange?.requestHeaders.AccessToken ?? exchange?.requestHeaders.accesstoken).toBe("***");
    expect(await certifiedAt(hub.hub.database.db, "CERT-FAULT-01")).toBeNull();
    // The answer is what the OpenAPI document says it is.
    const raw = await admin.get(`/admin/v1/certification-runs/${run.runId}`);
    expect(CertificationRun.safeParse(raw.body).error).toBeUndefined();
  }, 60_000);

  it("a cloud that skips the verify callback fails exactly the verify-callback clause", async () => {
    const { cloud } = await standardCloud("CERT-FAULT-02", "000036", { faults: { noVerifyCallback: true } });
    const run = await certify(admin, "CERT-FAULT-02", { devices: [...cloud.devices.keys()].slice(0, 1) });
    expect(failedClauses(run), describeRun(run)).toEqual(["verify-callback"]);
    expect(run.status).toBe("failed");
  }, 60_000);

  it("self-service: the platform starts and reads only its own runs; one run at a time; only its own devices", async () => {
    const { cloud, appSecret } = await standardCloud("CERT-SELF-001", "000037");
    const self = selfClient(hub.url, { platId: "CERT-SELF-001", appSecret });
    const devices = [...cloud.devices.keys()].slice(0, 1);

    const foreign = await self("POST", "/certification-runs", { devices: ["000031010200100X1"] });
    expect(foreign.status).toBe(400);
    expect(String(foreign.body.RetInfo)).toContain("manufacturer code");

    const started = await self("POST", "/certification-runs", { devices });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const second = await self("POST", "/certification-runs", { devices });
    expect(second.status).toBe(409);

    const run = await waitForRun(admin, String(started.body.runId));
    expect(run.status, describeRun(run)).toBe("passed");
    const mine = await self("GET", "/certification-runs");
    expect((mine.body.runs as { runId: string }[]).map((r) => r.runId)).toEqual([run.runId]);
    const one = await self("GET", `/certification-runs/${run.runId}`);
    expect(one.body.status).toBe("passed");

    // Another platform's run is a 404, as if it did not exist.
    const others = await admin.get("/admin/v1/platforms/CERT-STD-0001/certification-runs");
    const otherRun = (others.body.runs as { runId: string }[])[0]?.runId ?? "";
    expect((await self("GET", `/certification-runs/${otherRun}`)).status).toBe(404);
  }, 60_000);

  it("hubctl certify starts a run, waits, prints the per-clause report; exit 0 when certified, 1 when not", async () => {
    async function hubctl(...argv: string[]) {
      let stdout = "";
      let stderr = "";
      const code = await hubctlRun(argv, {
        env: { HUB_URL: hub.url, HUB_ADMIN_TOKEN: hub.adminToken },
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
      });
      return { code, stdout, stderr };
    }
    const good = await standardCloud("CERT-CLI-0001", "000038");
    const ok = await hubctl("certify", "CERT-CLI-0001", "--device", [...good.cloud.devices.keys()][0] ?? "");
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain("CERT-CLI-0001 is certified.");
    expect(ok.stdout).toMatch(/bind\s+7\.2\.1\s+yes\s+pass/);

    const bad = await standardCloud("CERT-CLI-0002", "000039", { faults: { wrongFailedIds: true } });
    const failed = await hubctl(
      "certification",
      "run",
      "CERT-CLI-0002",
      "--device",
      [...bad.cloud.devices.keys()][0] ?? "",
      "--set",
      "onOffStatus=True",
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/bind\s+7\.2\.1\s+yes\s+FAIL/);
    expect(failed.stdout).toContain("bind: what was sent and answered");
    expect(failed.stdout).toContain('"FailedIDs":[]');
    expect(failed.stdout).toContain("CERT-CLI-0002 is not certified.");

    const listed = await hubctl("certification", "list", "CERT-CLI-0002");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("failed");
    expect(listed.stdout).toContain("bind");
    const usage = await hubctl("certify", "CERT-CLI-0002");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--device");
  }, 60_000);

  it("console: a certified badge on the platform pages, a page per run, a run started from the form", async () => {
    const session = await consoleSession(hub.url, hub.adminToken);
    const list = await session.page("/console/platforms");
    const rowOf = (platId: string) =>
      list.slice(list.indexOf(`>${platId}</a>`), list.indexOf("</tr>", list.indexOf(`>${platId}</a>`)));
    expect(rowOf("CERT-STD-0001")).toContain("badge-certified");
    expect(rowOf("CERT-FAULT-01")).not.toContain("badge-certified");
    const detail = await session.page("/console/platforms/CERT-STD-0001");
    expect(detail).toContain("badge-certified");
    expect(detail).toContain("/console/platforms/CERT-STD-0001/certification");

    const runs = await admin.get("/admin/v1/platforms/CERT-FAULT-01/certification-runs");
    const runId = (runs.body.runs as { runId: string }[])[0]?.runId ?? "";
    const page = await session.page(`/console/certification/${runId}`);
    const bindRow = page.slice(
      page.indexOf('id="clause-bind"'),
      page.indexOf("</tr>", page.indexOf('id="clause-bind"')),
    );
    expect(bindRow).toContain("badge-fail");
    expect(bindRow).toContain("/user/bindDevices");
    expect(bindRow).toContain("FailedIDs");
    expect(
      page.slice(page.indexOf('id="clause-login"'), page.indexOf('id="clause-verify-callback"')),
    ).toContain("badge-pass");

    const refused = await session.post("/console/platforms/CERT-FAULT-01/certification", {
      request: JSON.stringify({ devices: ["000031010200100X1"] }),
    });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("manufacturer code");
    const device =
      ((runs.body.runs as { request: { devices: string[] } }[])[0]?.request.devices ?? [])[0] ?? "";
    const started = await session.post("/console/platforms/CERT-FAULT-01/certification", {
      request: JSON.stringify({ devices: [device] }),
    });
    expect(started.status).toBe(303);
    const newRun = (started.location ?? "").split("/").at(-1) ?? "";
    const finished = await waitForRun(admin, newRun);
    expect(finished.requestedBy).toMatch(/^operator:/);
    expect(failedClauses(finished)).toEqual(["bind"]);
  }, 60_000);
});
