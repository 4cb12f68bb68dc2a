import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { HubConfig } from "../config.ts";
import { type BuildHubOptions, buildHub, type Hub } from "../hub.ts";
import { serveHub } from "../security/http-server.ts";

export interface RunningHub {
  hub: Hub;
  server: Server;
  /** Where it listens, e.g. http://127.0.0.1:8080 (localhost for a wildcard address). */
  url: string;
  /** Stops accepting connections, then closes the hub (delivery, database, …). */
  close(): Promise<void>;
}

/**
 * A hub serving HTTP(S): what `pnpm start` runs (main.ts), and what the tests, the demo and the
 * benchmarks start — one entry point, one listener, one configuration.
 */
export async function startHubServer(config: HubConfig, options: BuildHubOptions = {}): Promise<RunningHub> {
  const hub = await buildHub(config, options);
  const server = serveHub(hub.listener, config);
  await once(server, "listening");
  const address = server.address() as AddressInfo;
  const host = address.address === "0.0.0.0" || address.address.includes(":") ? "localhost" : address.address;
  return {
    hub,
    server,
    url: `${config.tls ? "https" : "http"}://${host}:${address.port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await hub.close();
    },
  };
}
