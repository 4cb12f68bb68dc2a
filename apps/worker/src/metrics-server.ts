import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface MetricsServer {
  /** http://host:port it listens on (127.0.0.1 for a wildcard address). */
  url: string;
  close(): Promise<void>;
}

/**
 * GET /metrics on the worker's own port (HUB_WORKER_METRICS_PORT): Prometheus text, 401 unless
 * `allowed` accepts the Authorization header (the hub's rule, docs/design.md §7). Nothing else is
 * served: every other path is 404.
 */
export async function startMetricsServer(opts: {
  port: number;
  host: string;
  registry: Pick<Registry, "metrics" | "contentType">;
  allowed(authorization: string | undefined): Promise<boolean>;
}): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
      res
        .writeHead(404, { "content-type": "text/plain" })
        .end("not found: the worker serves GET /metrics only\n");
      return;
    }
    void (async () => {
      if (!(await opts.allowed(req.headers.authorization))) {
        res
          .writeHead(401, { "content-type": "text/plain", "www-authenticate": "Bearer" })
          .end("metrics: send Authorization: Bearer <HUB_METRICS_TOKEN or HUB_ADMIN_TOKEN>\n");
        return;
      }
      const text = await opts.registry.metrics();
      res
        .writeHead(200, { "content-type": opts.registry.contentType })
        .end(req.method === "HEAD" ? undefined : text);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("metrics could not be collected\n");
    });
  });
  server.listen(opts.port, opts.host);
  await once(server, "listening");
  const address = server.address() as AddressInfo;
  const host = address.address === "0.0.0.0" || address.address === "::" ? "127.0.0.1" : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
