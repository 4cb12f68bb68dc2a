import { type AuditOutcome, auditLog, type Database } from "@yunlian/db";
import type { Logger } from "pino";

/** What writing the audit log needs. */
export interface AuditCtx {
  db: Database;
  log: Logger;
}

/** Who made a change, for the audit entry the service writes. */
export interface Actor {
  /** "operator:<key name>" (operator-auth.ts), "platform:<PlatID>", or "anonymous" (refused attempts). */
  actor: string;
  /** Made through self-service (/admin/v1/self/…): the action is audited as "self.…". */
  viaSelf?: boolean;
}

export interface AuditEvent {
  actor: string;
  action: string;
  target?: string;
  outcome: AuditOutcome;
  detail?: Record<string, unknown>;
}

/**
 * Appends to the audit log. Called by the service that makes the change, never by a route.
 * Never throws: failing to audit must not turn a successful change into an error answer (the
 * failure is logged instead). Never pass secrets in `detail`.
 */
export async function audit(ctx: AuditCtx, event: AuditEvent): Promise<void> {
  try {
    await ctx.db.insert(auditLog).values({
      actor: event.actor,
      action: event.action,
      target: event.target ?? null,
      outcome: event.outcome,
      detail: event.detail ?? {},
    });
  } catch (err) {
    ctx.log.error({ err, action: event.action }, "writing the audit log failed");
  }
}
