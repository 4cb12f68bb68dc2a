import { consoleSessions, type Database } from "@yunlian/db";
import { and, eq, isNotNull, isNull, lt } from "drizzle-orm";
import { type AuditCtx, type AuditEvent, audit } from "../audit/audit.ts";

/**
 * The console's sessions as rows of console_sessions, for the console's cookie handling
 * (console/session.ts for operators, console/partner-session.ts for partners). A row is keyed by
 * the SHA-256 of the cookie's random id, never the id itself; a partner's row carries its PlatID,
 * an operator's has none, and a look-up names which kind it wants, so neither takes the other's.
 */
export type SessionRow = typeof consoleSessions.$inferSelect;
export type NewSessionRow = typeof consoleSessions.$inferInsert;

/**
 * Signs someone in to the console: stores the new session and audits the sign-in. Expired
 * sessions go first (sessions are few: no sweeper needed).
 */
export async function openSessionRow(
  ctx: AuditCtx,
  row: NewSessionRow,
  now: Date,
  signIn: Omit<AuditEvent, "outcome">,
): Promise<void> {
  await ctx.db.delete(consoleSessions).where(lt(consoleSessions.expiresAt, now));
  await ctx.db.insert(consoleSessions).values(row);
  await audit(ctx, { ...signIn, outcome: "ok" });
}

/** The session row with this id hash, of the kind asked for (an operator's or a partner's). */
export async function findSessionRow(
  db: Database,
  idHash: string,
  kind: "operator" | "partner",
): Promise<SessionRow | undefined> {
  const platId = kind === "partner" ? isNotNull(consoleSessions.platId) : isNull(consoleSessions.platId);
  const [row] = await db
    .select()
    .from(consoleSessions)
    .where(and(eq(consoleSessions.idHash, idHash), platId));
  return row;
}

/** Ends a session at once (logout): its cookie is dead from here on. */
export async function deleteSessionRow(db: Database, idHash: string): Promise<void> {
  await db.delete(consoleSessions).where(eq(consoleSessions.idHash, idHash));
}
