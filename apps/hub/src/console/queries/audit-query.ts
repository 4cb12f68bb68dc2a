import { type AuditEntry, auditLog, type Database } from "@yunlian/db";
import { and, desc, eq, gte, like, lt, type SQL } from "drizzle-orm";

export interface AuditFilter {
  actor?: string;
  /** Matches the action and everything under it: `platform` finds platform.register, platform.update… */
  action?: string;
  outcome?: "ok" | "denied" | "failed";
  from?: Date;
  to?: Date;
  /** Entries older than this id (the next page). */
  before?: number;
  limit: number;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Newest first. Read straight from audit_log: the console is the operator's, like the table. */
export async function queryAudit(db: Database, f: AuditFilter): Promise<AuditEntry[]> {
  const where: (SQL | undefined)[] = [
    f.actor ? eq(auditLog.actor, f.actor) : undefined,
    f.action ? like(auditLog.action, `${likeEscape(f.action)}%`) : undefined,
    f.outcome ? eq(auditLog.outcome, f.outcome) : undefined,
    f.from ? gte(auditLog.at, f.from) : undefined,
    f.to ? lt(auditLog.at, f.to) : undefined,
    f.before ? lt(auditLog.id, f.before) : undefined,
  ];
  return db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(f.limit);
}
