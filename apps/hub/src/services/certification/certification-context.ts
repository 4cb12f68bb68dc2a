import type { Database } from "@yunlian/db";
import type { Logger } from "pino";
import type { PlatformRegistry } from "../../registry/platform-registry.ts";
import type { VendorCtx } from "../vendor/vendor-context.ts";

/** HUB_CERTIFICATION_*: the bounds of every run. */
export interface CertificationSettings {
  /** A run's whole duration (HUB_CERTIFICATION_TIMEOUT, default 2m). */
  timeoutMs: number;
  /** Calls a run may make to the platform under test (HUB_CERTIFICATION_MAX_CALLS, default 200). */
  maxCalls: number;
  /** How long a vendor run waits for the report of its op (HUB_CERTIFICATION_REPORT_WAIT, default 20s). */
  reportWaitMs: number;
}

/** What starting, running and reading certification runs uses. */
export interface CertificationCtx {
  db: Database;
  registry: PlatformRegistry;
  /** The hub's vendor-call machinery: a vendor run calls the cloud through its adapter with it. */
  vendors: VendorCtx;
  settings: CertificationSettings;
  /** HUB_VENDOR_TIMEOUT_MS: each call's limit, as in production, within the run's own. */
  vendorTimeoutMs: number;
  log: Logger;
  now(): Date;
}
