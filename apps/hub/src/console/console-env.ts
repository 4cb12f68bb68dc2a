import type { Database } from "@yunlian/db";
import type { HubEnv } from "../lib/hono-env.ts";
import { HubError } from "../lib/hub-error.ts";
import type { PlatformRegistry } from "../registry/platform-registry.ts";
import type { AuditCtx } from "../services/audit/audit.ts";
import type { PlatformsCtx } from "../services/platforms/manage-platforms.ts";
import type { DeliveriesCtx } from "../services/reports/manage-deliveries.ts";

/** The console's context: the hub's, plus the session's CSRF token once the session is checked. */
export interface ConsoleEnv {
  Bindings: HubEnv["Bindings"];
  Variables: HubEnv["Variables"] & { csrf: string };
}

/**
 * What the console uses: the same services as the admin API (reads and changes, each change
 * validated and audited by its service), the operator token, and a few settings it shows.
 */
export interface ConsoleDeps {
  adminToken: string;
  platforms: PlatformsCtx;
  deliveries: DeliveriesCtx;
  devices: { db: Database; registry: PlatformRegistry };
  audit: AuditCtx;
  /** Consecutive failures that open a delivery endpoint's breaker (shown on the deliveries page). */
  breakerThreshold: number;
  now(): Date;
}

/** Every change the console makes is the operator's. */
export const OPERATOR = { actor: "operator" };

/** One text field of a submitted form ("" when absent or a file). */
export function field(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === "string" ? v.trim() : "";
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; status: number; text: string };

/**
 * A service call whose refusal (a HubError: invalid input, conflict, not found) is shown beside
 * the form that caused it, instead of becoming an error page. Anything else is a bug and throws.
 */
export async function attempt<T>(run: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    if (err instanceof HubError) return { ok: false, status: Number(err.retCode), text: err.message };
    throw err;
  }
}
