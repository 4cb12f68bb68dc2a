import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

export interface RunningServer {
  port: number;
  origin: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (port 0 = any free port) and resolves once the port is known. */
export function listen(app: Hono, port = 0, hostname = "127.0.0.1"): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
      resolve({
        port: info.port,
        origin: `http://${hostname}:${info.port}`,
        close: () => closeServer(server as Server),
      });
    }) as Server;
    server.once("error", reject);
    // Benchmarks hammer the sims with keep-alive clients; Node's 5 s default would churn sockets.
    server.keepAliveTimeout = 60_000;
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Hanging requests (mode "hang") and idle keep-alive sockets would hold close() open forever.
    server.closeAllConnections();
  });
}

/** Requests parked by mode "hang"; released (with 503) when the mode changes or the server closes. */
export function createHangPool() {
  const waiting = new Set<() => void>();
  return {
    park(): Promise<void> {
      return new Promise((resolve) => waiting.add(resolve));
    },
    releaseAll(): void {
      for (const release of waiting) release();
      waiting.clear();
    },
  };
}
