import { type AuditEntry, auditLog, type Database } from "@yunlian/db";
import { and, desc, eq, gte, like, lt, type SQL } from "drizzle-orm";

export interface AuditFilter {
  actor?: string;
  /** Exact, or a prefix ending in `*` (`auth.*`, `platform.*`). */
  action?: string;
  outcome?: "ok" | "denied" | "failed";
  from?: Date;
  to?: Date;
  /** Entries older than this id (the next page: ids grow with time, bigserial). */
  before?: number;
  limit: number;
}

/** `%`, `_` and `\` are LIKE wildcards: escape them so a prefix means just itself. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Who did what when, newest first: the admin API's and the console's one reading of audit_log. */
export async function readAudit(ctx: { db: Database }, f: AuditFilter): Promise<AuditEntry[]> {
  const where: (SQL | undefined)[] = [
    f.actor === undefined ? undefined : eq(auditLog.actor, f.actor),
    f.action === undefined
      ? undefined
      : f.action.endsWith("*")
        ? like(auditLog.action, `${escapeLike(f.action.slice(0, -1))}%`)
        : eq(auditLog.action, f.action),
    f.outcome === undefined ? undefined : eq(auditLog.outcome, f.outcome),
    f.from === undefined ? undefined : gte(auditLog.at, f.from),
    f.to === undefined ? undefined : lt(auditLog.at, f.to),
    f.before === undefined ? undefined : lt(auditLog.id, f.before),
  ];
  return ctx.db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(f.limit);
}
