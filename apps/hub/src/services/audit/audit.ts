import { type AuditOutcome, auditLog } from "@yunlian/db";
import type { HubServices } from "../hub-services.ts";

export interface AuditEvent {
  actor: string;
  action: string;
  target?: string;
  outcome: AuditOutcome;
  detail?: Record<string, unknown>;
}

/**
 * Appends to the audit log. Never throws: failing to audit must not turn a successful admin
 * change into an error answer (the failure is logged instead). Never pass secrets in `detail`.
 */
export async function audit(services: HubServices, event: AuditEvent): Promise<void> {
  try {
    await services.db.insert(auditLog).values({
      actor: event.actor,
      action: event.action,
      target: event.target ?? null,
      outcome: event.outcome,
      detail: event.detail ?? {},
    });
  } catch (err) {
    services.log.error({ err, action: event.action }, "writing the audit log failed");
  }
}
