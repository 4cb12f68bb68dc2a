import { createServer, type IncomingHttpHeaders } from "node:http";
import { request } from "undici";
import { freePort } from "./harness.ts";

export interface ForgingProxy {
  /** Base URL including `/v1`: what the hostile vendor registers as its apiBaseUrl. */
  url: string;
  close(): Promise<void>;
}

/**
 * A vendor's API that lies: every request goes on to the real one (a device-cloud sim) as it
 * came, and `forge` may rewrite each JSON answer, by interface name (`devices/deviceInfo`).
 * A vendor controls its own API, so this is what a hostile vendor can do without any secret.
 */
export async function startForgingProxy(
  target: string,
  forge: (api: string, answer: Record<string, unknown>) => Record<string, unknown>,
): Promise<ForgingProxy> {
  const port = await freePort();
  const base = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const path = req.url ?? "/";
        const headers: IncomingHttpHeaders = { ...req.headers };
        delete headers.host;
        delete headers["content-length"];
        const upstream = await request(`${base.origin}${path}`, {
          method: req.method as "POST",
          headers: headers as Record<string, string>,
          body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
        });
        let text = await upstream.body.text();
        const api = path.replace(/^\/v1\//, "");
        try {
          text = JSON.stringify(forge(api, JSON.parse(text) as Record<string, unknown>));
        } catch {
          // Not JSON: passed on as it came.
        }
        res.writeHead(upstream.statusCode, { "content-type": "application/json" });
        res.end(text);
      })().catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
