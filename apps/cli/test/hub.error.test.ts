import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cli, type FakeHub, haier, refusedUrl, startFakeHub } from "./support/fake-hub.ts";

let hub: FakeHub;
beforeEach(async () => {
  hub = await startFakeHub();
});
afterEach(async () => {
  await hub.close();
});

describe("when the hub says no", () => {
  it("401: prints the hub's RetInfo and a hint about the token, exits 1", async () => {
    const r = await cli(["platforms", "list"], {
      hubUrl: hub.url,
      env: { HUB_ADMIN_TOKEN: "not-the-token" },
    });
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "hubctl: the hub answered 401: admin API: send Authorization: Bearer <HUB_ADMIN_TOKEN>\n" +
        "hubctl: check the operator token (HUB_ADMIN_TOKEN or --token)\n",
    });
    expect(hub.requests[0]?.authorization).toBe("Bearer not-the-token");
  });

  it("404: prints RetInfo, exits 1, with --json too (stdout stays empty)", async () => {
    hub.on("GET /admin/v1/platforms/NOPE", {
      status: 404,
      body: { RetCode: "404", RetInfo: "platform NOPE not found" },
    });
    for (const json of [[], ["--json"]]) {
      const r = await cli(["platforms", "show", "NOPE", ...json], { hubUrl: hub.url });
      expect(r).toEqual({
        code: 1,
        stdout: "",
        stderr: "hubctl: the hub answered 404: platform NOPE not found\n",
      });
    }
  });

  it("409: a manufacturer code another platform owns", async () => {
    hub.on("POST /admin/v1/platforms", {
      status: 409,
      body: { RetCode: "409", RetInfo: "manufacturer code 000006 is owned by PARTNER-HAIER-0000" },
    });
    const r = await cli(
      ["platforms", "register", "--plat-id", "OTHER", "--name", "Other", "--code", "000006"],
      {
        hubUrl: hub.url,
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "hubctl: the hub answered 409: manufacturer code 000006 is owned by PARTNER-HAIER-0000\n",
    );
    expect(r.stdout).toBe("");
  });

  it("400: RetInfo names the field", async () => {
    hub.on("PATCH /admin/v1/platforms/PARTNER-HAIER-0000", {
      status: 400,
      body: { RetCode: "400", RetInfo: "apiBaseUrl: must be an https URL" },
    });
    const r = await cli(["platforms", "edit", "PARTNER-HAIER-0000", "--api-base-url", "ftp://x"], {
      hubUrl: hub.url,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("hubctl: the hub answered 400: apiBaseUrl: must be an https URL\n");
  });

  it("an error without a RetCode body shows the status and the text", async () => {
    hub.on("GET /admin/v1/platforms", { status: 502, body: "bad gateway from the proxy" });
    const r = await cli(["platforms", "list"], { hubUrl: hub.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('hubctl: the hub answered 502: "bad gateway from the proxy"\n');
  });

  it("an answer of an unexpected shape is reported, not crashed on", async () => {
    hub.on("GET /admin/v1/platforms", { status: 200, body: { items: [haier] } });
    const r = await cli(["platforms", "list"], { hubUrl: hub.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unexpected answer from the hub for platforms list (platforms:");
  });
});

describe("when the hub cannot be reached", () => {
  it("connection refused names the URL and exits 1", async () => {
    const url = await refusedUrl();
    const r = await cli(["platforms", "list"], { hubUrl: url });
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr: `hubctl: cannot connect to the hub at ${url}: connection refused (is it running? set HUB_URL or --url)\n`,
    });
  });

  it("a hub URL with a path prefix keeps it", async () => {
    hub.on("GET /admin/v1/platforms", { status: 200, body: { platforms: [] } });
    const r = await cli(["platforms", "list"], { hubUrl: `${hub.url}/` });
    expect(r.code).toBe(0);
    expect(hub.requests[0]?.url).toBe("/admin/v1/platforms");
  });
});
