import { randomBytes } from "node:crypto";
import {
  type CertificationRole,
  type CertificationRun,
  type CertificationStatus,
  certificationRuns,
  type Database,
} from "@yunlian/db";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { conflict } from "../../lib/hub-error.ts";
import { uniqueViolation } from "../platforms/unique-violation.ts";
import type { CertificationReport } from "./report.ts";

/** A run id: "cr_" + 20 base-32 characters, unguessable (a platform reads only its own). */
function newRunId(): string {
  const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  let id = "cr_";
  for (const b of randomBytes(20)) id += alphabet[b & 31];
  return id;
}

/**
 * Records a queued run. One run at a time per platform is the database's partial unique index:
 * a second start while one is queued or running is a 409 naming the run in progress.
 */
export async function createRun(
  db: Database,
  values: { platId: string; role: CertificationRole; requestedBy: string; request: Record<string, unknown> },
): Promise<CertificationRun> {
  try {
    const [row] = await db
      .insert(certificationRuns)
      .values({ runId: newRunId(), ...values })
      .returning();
    if (!row) throw new Error("insert returned no row");
    return row;
  } catch (err) {
    if (!uniqueViolation(err)) throw err;
    const [active] = await db
      .select({ runId: certificationRuns.runId })
      .from(certificationRuns)
      .where(
        and(
          eq(certificationRuns.platId, values.platId),
          inArray(certificationRuns.status, ["queued", "running"]),
        ),
      );
    throw conflict(
      `platform ${values.platId} already has a certification run in progress${active ? ` (${active.runId})` : ""}; one run at a time`,
    );
  }
}

export async function markRunning(db: Database, runId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(certificationRuns)
    .set({ status: "running", startedAt: now })
    .where(and(eq(certificationRuns.runId, runId), eq(certificationRuns.status, "queued")))
    .returning({ runId: certificationRuns.runId });
  return rows.length === 1;
}

export async function finishRun(
  db: Database,
  runId: string,
  now: Date,
  outcome: { report: CertificationReport } | { error: string; report?: CertificationReport },
): Promise<void> {
  const status: CertificationStatus =
    "error" in outcome ? "error" : outcome.report.certified ? "passed" : "failed";
  await db
    .update(certificationRuns)
    .set({
      status,
      finishedAt: now,
      report: (outcome.report ?? null) as Record<string, unknown> | null,
      error: "error" in outcome ? outcome.error : null,
    })
    .where(eq(certificationRuns.runId, runId));
}

export async function getRun(db: Database, runId: string): Promise<CertificationRun | undefined> {
  const [row] = await db.select().from(certificationRuns).where(eq(certificationRuns.runId, runId));
  return row;
}

export async function listRuns(db: Database, platId: string, limit = 50): Promise<CertificationRun[]> {
  return db
    .select()
    .from(certificationRuns)
    .where(eq(certificationRuns.platId, platId))
    .orderBy(desc(certificationRuns.createdAt))
    .limit(limit);
}

/**
 * When the platform was last certified: the finish time of its newest finished run, if that run
 * passed every required clause; null when it never ran, or its newest finished run did not pass
 * (a later failure takes the badge away). This is the CertificationStatus port the sandbox's
 * promotion asks (`certifiedAt(platId): Promise<Date | null>`).
 */
export async function certifiedAt(db: Database, platId: string): Promise<Date | null> {
  const [latest] = await db
    .select({ status: certificationRuns.status, finishedAt: certificationRuns.finishedAt })
    .from(certificationRuns)
    .where(
      and(
        eq(certificationRuns.platId, platId),
        inArray(certificationRuns.status, ["passed", "failed", "error"]),
      ),
    )
    .orderBy(desc(certificationRuns.finishedAt))
    .limit(1);
  return latest?.status === "passed" ? (latest.finishedAt ?? null) : null;
}

/** certifiedAt for every platform at once (the console's list shows a badge per row). */
export async function certifiedPlatforms(db: Database): Promise<Map<string, Date>> {
  const rows = await db
    .selectDistinctOn([certificationRuns.platId], {
      platId: certificationRuns.platId,
      status: certificationRuns.status,
      finishedAt: certificationRuns.finishedAt,
    })
    .from(certificationRuns)
    .where(inArray(certificationRuns.status, ["passed", "failed", "error"]))
    .orderBy(certificationRuns.platId, desc(certificationRuns.finishedAt));
  const out = new Map<string, Date>();
  for (const r of rows) if (r.status === "passed" && r.finishedAt) out.set(r.platId, r.finishedAt);
  return out;
}

/**
 * Runs a crash left queued or running (the process that held them is gone) end as "error", so the
 * platform can start a new one. Called at start by every hub process: a run lives in one process,
 * so a run older than the time limit plus a margin is certainly orphaned.
 */
export async function endOrphanedRuns(db: Database, olderThan: Date, now: Date): Promise<number> {
  const rows = await db
    .update(certificationRuns)
    .set({ status: "error", finishedAt: now, error: "the hub process running it stopped" })
    .where(
      and(
        inArray(certificationRuns.status, ["queued", "running"]),
        lt(certificationRuns.createdAt, olderThan),
      ),
    )
    .returning({ runId: certificationRuns.runId });
  return rows.length;
}
