import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

export interface Listening {
  port: number;
  origin: string;
  close(): Promise<void>;
}

/** Serves `app` on hostname:port (0 = any free port) and resolves once the port is known. */
export function listen(app: Hono, port = 0, hostname = "127.0.0.1"): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
      resolve({
        port: info.port,
        origin: `http://${hostname}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Parked (hanging) requests and idle keep-alive sockets would hold close() open.
            server.closeAllConnections();
          }),
      });
    }) as Server;
    server.once("error", reject);
  });
}

/** While on, requests are accepted and never answered: how a hung vendor cloud looks to the hub. */
export function createHang() {
  let on = false;
  const parked = new Set<() => void>();
  return {
    set(next: boolean) {
      on = next;
      if (!next) {
        for (const release of parked) release();
        parked.clear();
      }
    },
    middleware: async (c: { text(t: string, s: 503): Response }, next: () => Promise<void>) => {
      if (on) {
        await new Promise<void>((resolve) => parked.add(resolve));
        return c.text("released", 503);
      }
      await next();
    },
  };
}
