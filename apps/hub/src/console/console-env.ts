import type { Database } from "@yunlian/db";
import type { Context } from "hono";
import type { HubEnv } from "../lib/hono-env.ts";
import { HubError } from "../lib/hub-error.ts";
import type { PlatformRegistry } from "../registry/platform-registry.ts";
import type { AuthFailureAudit } from "../security/auth-failure-audit.ts";
import { type Operator, type OperatorAuth, operatorActor } from "../security/operator-auth.ts";
import type { UnauthBudgetLike } from "../security/unauth-budget.ts";
import type { Actor, AuditCtx } from "../services/audit/audit.ts";
import type { CertificationCtx } from "../services/certification/certification-context.ts";
import type { RunJobs } from "../services/certification/execute-run.ts";
import type { GrantsCtx } from "../services/grants/grants.ts";
import type { OperatorKeysCtx } from "../services/operators/operator-keys.ts";
import type { PromoteCtx } from "../services/platforms/promote-platform.ts";
import type { DeliveriesCtx } from "../services/reports/manage-deliveries.ts";

/** The console's context: the hub's, plus the session's operator and CSRF token once checked. */
export interface ConsoleEnv {
  Bindings: HubEnv["Bindings"];
  Variables: HubEnv["Variables"] & { csrf: string; consoleOperator: Operator };
}

/**
 * What the console uses: the same services as the admin API (reads and changes, each change
 * validated and audited by its service), the operator token, and a few settings it shows.
 */
export interface ConsoleDeps {
  /** Who may sign in: HUB_ADMIN_TOKEN or an operator key. */
  operators: OperatorAuth;
  operatorKeys: OperatorKeysCtx;
  /** Failed sign-ins: audited within the bounded budget, and throttled per client address. */
  authFailures: AuthFailureAudit;
  loginThrottle: UnauthBudgetLike;
  platforms: PromoteCtx;
  deliveries: DeliveriesCtx;
  devices: { db: Database; registry: PlatformRegistry };
  grants: GrantsCtx;
  audit: AuditCtx;
  /** Certification runs: started from a platform's page, each shown with its report. */
  certification: { ctx: CertificationCtx; jobs: RunJobs };
  /** Consecutive failures that open a delivery endpoint's breaker (shown on the deliveries page). */
  breakerThreshold: number;
  /** Breakers of the delivery worker in this process, by endpoint (none when it runs apart). */
  breakers(): readonly { endpoint: string; state: string }[];
  now(): Date;
}

/** Every change the console makes is audited as the signed-in operator's ("operator:<key name>"). */
export function actorOf(c: Context<ConsoleEnv>): Actor {
  return { actor: operatorActor(c.var.consoleOperator) };
}

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
