import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectResponse, DeadlineExceeded, ResponseTooLarge } from "../src/index.ts";

// A local server whose answer each test picks by path.
let server: Server;
let origin: string;
const agent = new Agent({ connections: 4 });

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/ok") {
      res.setHeader("retry-after", "7");
      res.end('{"RetCode":"200"}');
    } else if (req.url === "/big") {
      res.writeHead(200);
      res.write("x".repeat(4096));
      res.end("x".repeat(4096));
    } else if (req.url === "/slow-body") {
      res.writeHead(200);
      res.write("{");
      // The rest never comes: only the deadline ends this exchange.
    } else if (req.url === "/hang") {
      // No answer at all.
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await agent.close();
});

const post = (path: string, opts: Parameters<typeof collectResponse>[2]) =>
  collectResponse(agent, { origin, path, method: "POST", body: "{}" }, opts);

describe("collectResponse", () => {
  it("collects status, headers and body", async () => {
    const res = await post("/ok", { maxBytes: 1024, deadlineMs: 2000 });
    expect(res).toEqual({
      status: 200,
      headers: expect.objectContaining({ "retry-after": "7" }),
      text: '{"RetCode":"200"}',
    });
  });

  it("refuses an answer larger than maxBytes, keeping its status", async () => {
    const err = await post("/big", { maxBytes: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseTooLarge);
    expect(err).toMatchObject({ maxBytes: 5000, status: 200 });
  });

  it("fails at the deadline when no answer comes", async () => {
    const started = Date.now();
    const err = await post("/hang", { maxBytes: 1024, deadlineMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("fails at the deadline when the body stalls after the headers", async () => {
    const err = await post("/slow-body", { maxBytes: 1024, deadlineMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceeded);
  });

  it("fails at the deadline while still connecting", async () => {
    // A connector that never completes stands in for an unanswered SYN.
    const stuck = new Agent({ connect: () => undefined });
    try {
      const err = await collectResponse(
        stuck,
        { origin, path: "/ok", method: "POST", body: "{}" },
        { maxBytes: 1024, deadlineMs: 150 },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeadlineExceeded);
    } finally {
      await stuck.destroy();
    }
  });

  it("a caller's signal aborts the exchange", async () => {
    const controller = new AbortController();
    const pending = post("/hang", { maxBytes: 1024, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("caller gave up")), 50);
    await expect(pending).rejects.toThrow("caller gave up");
  });
});
