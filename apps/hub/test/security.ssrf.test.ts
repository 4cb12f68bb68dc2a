import { createServer, type Server } from "node:http";
import { createVendorHttp } from "@yunlian/adapter-sdk/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolvedUrlProblem } from "../src/lib/url-guard.ts";
import { adminClient } from "./support/client.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";

describe("SSRF: registered URLs may not reach the hub's own network", () => {
  let hub: TestHub;
  let admin: ReturnType<typeof adminClient>;
  let internal: Server;
  let internalPort = 0;
  let hits = 0;

  beforeAll(async () => {
    // A production-shaped hub: private URLs not allowed.
    hub = await startTestHub("pglite", { HUB_ALLOW_PRIVATE_URLS: "0" });
    admin = adminClient(hub.url, hub.adminToken);
    // Stands for a service on the hub's internal network.
    internal = createServer((_req, res) => {
      hits++;
      res.end('{"RetCode":"200","RetInfo":"internal"}');
    });
    await new Promise<void>((resolve) => internal.listen(0, "127.0.0.1", () => resolve()));
    const address = internal.address();
    internalPort = typeof address === "object" && address ? address.port : 0;
  }, 60_000);
  afterAll(async () => {
    await new Promise<void>((resolve) => internal?.close(() => resolve()));
    await hub?.close();
  });

  it("refuses non-http(s), loopback, private, link-local and unresolvable URLs at registration", async () => {
    const cases: [string, RegExp][] = [
      ["ftp://vendor.example/v1", /http or https/],
      ["http://127.0.0.1:8080/v1", /loopback, private/],
      ["http://localhost/v1", /loopback, private/],
      ["http://[::1]/v1", /loopback, private/],
      ["http://10.1.2.3/v1", /loopback, private/],
      ["http://169.254.169.254/latest/meta-data", /loopback, private/],
      ["http://[::ffff:127.0.0.1]/v1", /loopback, private/],
      ["http://does-not-exist.invalid/v1", /does not resolve/],
    ];
    for (const [url, why] of cases) {
      const res = await admin.post("/admin/v1/platforms", {
        platId: "SSRF-APP",
        name: "ssrf",
        dataGatewayUrl: url,
      });
      expect(res.status, url).toBe(400);
      expect(String(res.body.RetInfo), url).toMatch(why);
      expect(String(res.body.RetInfo)).toMatch(/dataGatewayUrl/);
    }
  });

  it("refuses a name whose DNS answer is private (checked at registration, not just the literal)", async () => {
    const resolver = async () => [{ address: "93.184.216.34" }, { address: "10.0.0.5" }];
    expect(await resolvedUrlProblem("https://vendor.example/v1", false, resolver)).toMatch(/10\.0\.0\.5/);
    expect(
      await resolvedUrlProblem("https://vendor.example/v1", false, async () => [
        { address: "93.184.216.34" },
      ]),
    ).toBe(undefined);
    expect(await resolvedUrlProblem("https://vendor.example/v1", true, resolver)).toBe(undefined);
  });

  it("the vendor HTTP client refuses private destinations at connect time (rebinding), names and literals", async () => {
    const guarded = createVendorHttp({ timeoutMs: 2000, blockPrivateAddresses: true });
    const before = hits;
    // "localhost" passes no literal IP check; only its resolved address shows where it goes.
    for (const host of ["localhost", "127.0.0.1"]) {
      await expect(guarded.postJson(`http://${host}:${internalPort}/v1/x`, {})).rejects.toThrow(
        /private or loopback/,
      );
    }
    expect(hits).toBe(before);
    await guarded.close();
    const open = createVendorHttp({ timeoutMs: 2000, blockPrivateAddresses: false });
    expect((await open.postJson(`http://localhost:${internalPort}/v1/x`, {})).status).toBe(200);
    expect(hits).toBe(before + 1);
    await open.close();
  });
});
