import { createServer, type Server } from "node:http";
import { freePort } from "../../test/support/harness.ts";

/** ok: answers 200; flaky: 503 on 10 % of requests at random; down: nothing listens on its port. */
export type ReceiverMode = "ok" | "flaky";

/**
 * A subscriber's dataGateway receiver. It keeps only which reports it got (the `seq` each report
 * carries in its DeviceStatus), so that a 20-minute run does not fill the bench's memory with
 * bodies; duplicates (the same report delivered twice) are counted, not kept.
 */
export interface SoakReceiver {
  url: string;
  seen: Set<number>;
  requests: number;
  duplicates: number;
  failedOnPurpose: number;
  /** Stops listening (connections refused) until `up`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(mode: ReceiverMode): Promise<SoakReceiver> {
  const port = await freePort();
  const r = {
    seen: new Set<number>(),
    requests: 0,
    duplicates: 0,
    failedOnPurpose: 0,
  };
  const handler = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      r.requests += 1;
      if (mode === "flaky" && Math.random() < 0.1) {
        r.failedOnPurpose += 1;
        res.writeHead(503, { "content-type": "application/json" });
        res.end('{"RetCode":"503","RetInfo":"unavailable"}');
        return;
      }
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          DeviceStatus?: { seq?: string };
        };
        const seq = Number(body.DeviceStatus?.seq);
        if (Number.isFinite(seq)) {
          if (r.seen.has(seq)) r.duplicates += 1;
          else r.seen.add(seq);
        }
      } catch {
        // not a report body: answered all the same
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"RetCode":"200","RetInfo":"ok"}');
    });
  };
  let server: Server = createServer(handler);
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
  await listen();
  const shut = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return Object.assign(r, {
    url: `http://127.0.0.1:${port}/v1/dataservices/dataGateway`,
    async down() {
      await shut();
    },
    async up() {
      server = createServer(handler);
      await listen();
    },
    close: shut,
  });
}
