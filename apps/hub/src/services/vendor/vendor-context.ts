import type { AdapterRegistry } from "@yunlian/adapter-sdk";
import type { VendorHttp } from "@yunlian/adapter-sdk/http";
import type { Database } from "@yunlian/db";
import type { Keyring } from "@yunlian/secrets";
import type { Logger } from "pino";
import type { WorkerMetrics } from "../../observability/worker-metrics.ts";
import type { SessionCache } from "./session-cache.ts";

/** What calling a vendor cloud through its adapter, as one hub user, uses. */
export interface VendorCtx {
  /** Vendor sessions (encrypted) and the single-use verify tokens live here. */
  db: Database;
  keyring: Keyring;
  sessions: SessionCache;
  adapters: AdapterRegistry;
  http: VendorHttp;
  /** The hub's own PlatID: how it introduces itself to vendors. */
  hubPlatId: string;
  now(): Date;
  log: Logger;
  metrics: Pick<WorkerMetrics, "vendorCalls" | "vendorDuration">;
}
