import type { ServerResponse } from "node:http";

/**
 * One JSON answer in one `res.end`, carrying the request's id; nothing is written to a response
 * already sent or gone. Every header goes through the one `writeHead` call: a header set before it
 * with `setHeader` sends Node down its slower merging path.
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  headers?: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  const head: Record<string, string | number> = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-request-id": requestId,
  };
  if (headers) for (const name in headers) head[name] = headers[name] as string;
  res.writeHead(status, head);
  res.end(text);
}
