import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPortUrl } from "../src/conformance/env.ts";
import { AdapterError } from "../src/errors.ts";
import { createVendorHttp } from "../src/http.ts";

let server: Server;
let base: string;
const received: { headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      received.push({ headers: { ...req.headers, method: req.method }, body });
      if (req.url === "/hang") return; // never answers
      if (req.url === "/big") {
        res.end(`{"RetCode":"200","pad":"${"x".repeat(100_000)}"}`);
        return;
      }
      res.setHeader("AccessToken", "tok");
      res.end('{"RetCode":"200"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe("createVendorHttp", () => {
  it("posts JSON with the given headers and returns status, lower-cased headers and text", async () => {
    const http = createVendorHttp({ timeoutMs: 5000, blockPrivateAddresses: false });
    const res = await http.postJson(`${base}/ok`, { a: 1 }, { headers: { PlatID: "HUB" } });
    expect(res).toMatchObject({ status: 200, text: '{"RetCode":"200"}' });
    expect(res.headers.accesstoken).toBe("tok");
    expect(received.at(-1)?.headers).toMatchObject({
      platid: "HUB",
      "content-type": "application/json;charset=UTF-8",
    });
    expect(received.at(-1)?.body).toBe('{"a":1}');
    await http.close();
  });

  it("sends any method, with or without a body, through the same client", async () => {
    const http = createVendorHttp({ timeoutMs: 5000, blockPrivateAddresses: false });
    for (const method of ["GET", "PUT", "DELETE"] as const) {
      received.length = 0;
      const body = method === "PUT" ? '{"name":"x"}' : undefined;
      const res = await http.send(method, `${base}/rest?q=1`, {
        headers: { client_id: "c" },
        ...(body ? { body } : {}),
      });
      expect(res.status).toBe(200);
      expect(received[0]?.headers).toMatchObject({ method, client_id: "c" });
      expect(received[0]?.body).toBe(body ?? "");
    }
    await http.close();
  });

  it("refuses loopback destinations for every method when told to block private addresses", async () => {
    const http = createVendorHttp({ blockPrivateAddresses: true, timeoutMs: 2000 });
    for (const call of [() => http.send("GET", `${base}/ok`), () => http.postJson(`${base}/ok`, {})]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AdapterError);
      expect((err as AdapterError).kind).toBe("unreachable");
    }
    await http.close();
  });

  it("turns a hanging vendor into AdapterError timeout", async () => {
    const http = createVendorHttp({ timeoutMs: 5000, blockPrivateAddresses: false });
    const error = await http.postJson(`${base}/hang`, {}, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).kind).toBe("timeout");
    await http.close();
  });

  it("refuses an answer above maxAnswerBytes as a bad answer, and reads one below it whole", async () => {
    const http = createVendorHttp({ maxAnswerBytes: 50_000, timeoutMs: 5000, blockPrivateAddresses: false });
    const error = await http.postJson(`${base}/big`, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).kind).toBe("bad_response");
    const roomy = createVendorHttp({
      maxAnswerBytes: 200_000,
      timeoutMs: 5000,
      blockPrivateAddresses: false,
    });
    expect((await roomy.postJson(`${base}/big`, {})).text).toHaveLength(100_026);
    await http.close();
    await roomy.close();
  });

  it("stops waiting when the caller's signal aborts", async () => {
    const http = createVendorHttp({ timeoutMs: 5000, blockPrivateAddresses: false });
    const controller = new AbortController();
    const started = Date.now();
    const pending = http.postJson(`${base}/hang`, {}, { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 50);
    const error = await pending;
    expect((error as AdapterError).kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(4000);
    await http.close();
  });

  it("turns a refused connection or an unknown host into AdapterError unreachable", async () => {
    const http = createVendorHttp({ timeoutMs: 5000, blockPrivateAddresses: false });
    const refused = await http.postJson(`${await closedPortUrl()}/x`, {}).catch((e: unknown) => e);
    expect((refused as AdapterError).kind).toBe("unreachable");
    const dns = await http.postJson("http://no-such-host.invalid/v1/x", {}).catch((e: unknown) => e);
    expect((dns as AdapterError).kind).toBe("unreachable");
    await http.close();
  });
});
