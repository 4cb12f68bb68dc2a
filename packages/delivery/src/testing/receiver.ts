import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  webhookId: string;
}

export type ReceiverReply =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | "hang"
  | "destroy";

export type ReceiverBehaviour = (req: ReceivedRequest, countForId: number) => ReceiverReply;

export const answerOk: ReceiverBehaviour = () => ({ status: 200, body: { RetCode: "200", RetInfo: "ok" } });

export interface TestReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Requests per webhook-id. */
  byId: Map<string, ReceivedRequest[]>;
  setBehaviour(b: ReceiverBehaviour): void;
  waitFor(predicate: () => boolean, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A dataGateway receiver over real HTTP with scriptable answers, for tests that need precise
 * control (fail N times, hang, 410, Retry-After) that the vendor simulator does not expose.
 */
export async function startTestReceiver(behaviour: ReceiverBehaviour = answerOk): Promise<TestReceiver> {
  let current = behaviour;
  const requests: ReceivedRequest[] = [];
  const byId = new Map<string, ReceivedRequest[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const webhookId = String(req.headers["webhook-id"] ?? "");
      const r: ReceivedRequest = {
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
        webhookId,
      };
      requests.push(r);
      const list = byId.get(webhookId) ?? [];
      list.push(r);
      byId.set(webhookId, list);
      const reply = current(r, list.length);
      if (reply === "hang") return; // never answers: the hub's timeout must fire
      if (reply === "destroy") {
        req.socket.destroy();
        return;
      }
      const send = () => {
        res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
        res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/dataservices/dataGateway`,
    requests,
    byId,
    setBehaviour(b) {
      current = b;
    },
    async waitFor(predicate, timeoutMs) {
      const end = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > end) throw new Error(`receiver: condition not met within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
