import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded {
  url: string;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * A bare HTTP receiver that keeps every request exactly as it arrived (no framework between the
 * socket and the test) and answers what `reply` says: it stands in for the hub's ingestUrl and API.
 */
export async function startRecorder(
  reply: (req: Recorded) => { status?: number; headers?: Record<string, string>; body: string } = () => ({
    body: '{"RetCode":"200","RetInfo":"上报成功"}',
  }),
) {
  const received: Recorded[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
    });
    req.on("end", () => {
      const recorded = { url: req.url ?? "", headers: req.headers, text };
      received.push(recorded);
      const answer = reply(recorded);
      res.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Header names a request carried beyond what HTTP itself needs to carry a body. */
export function nonTransportHeaders(headers: IncomingHttpHeaders): string[] {
  const transport = new Set(["host", "connection", "content-length", "transfer-encoding"]);
  return Object.keys(headers).filter((name) => !transport.has(name));
}
