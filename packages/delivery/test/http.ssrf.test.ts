import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryHttp } from "../src/attempt/http.ts";

/** The connect-time SSRF guard of the delivery client (apps/hub docs/security.md). */
describe("DeliveryHttp refuses private destinations unless allowed", () => {
  let receiver: Server;
  let port = 0;
  let hits = 0;

  beforeAll(async () => {
    receiver = createServer((_req, res) => {
      hits++;
      res.end('{"RetCode":"200"}');
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
    const address = receiver.address();
    port = typeof address === "object" && address ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it("refuses a name resolving to loopback and a loopback literal, without sending anything", async () => {
    const http = new DeliveryHttp({ connectionsPerOrigin: 1, timeoutMs: 2000, blockPrivateAddresses: true });
    for (const host of ["localhost", "127.0.0.1"]) {
      const res = await http.post(`http://${host}:${port}/gw`, {}, "{}", 2000);
      expect(res.status).toBeUndefined();
      expect(res.error).toMatch(/private or loopback/);
    }
    expect(hits).toBe(0);
    await http.close();
  });

  it("delivers to loopback when allowed (HUB_ALLOW_PRIVATE_URLS=1)", async () => {
    const http = new DeliveryHttp({ connectionsPerOrigin: 1, timeoutMs: 2000, blockPrivateAddresses: false });
    expect((await http.post(`http://localhost:${port}/gw`, {}, "{}", 2000)).status).toBe(200);
    expect(hits).toBe(1);
    await http.close();
  });
});
