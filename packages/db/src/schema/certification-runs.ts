import { sql } from "drizzle-orm";
import { check, index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, tstz } from "./columns.ts";
import { platforms } from "./platforms.ts";

export const CERTIFICATION_STATUSES = ["queued", "running", "passed", "failed", "error"] as const;
export type CertificationStatus = (typeof CERTIFICATION_STATUSES)[number];

/** Which side of the standard a run plays against: a vendor cloud (hub as A) or an app platform (hub as B). */
export const CERTIFICATION_ROLES = ["vendor", "app"] as const;
export type CertificationRole = (typeof CERTIFICATION_ROLES)[number];

const inList = (column: unknown, values: readonly string[]) =>
  sql`${column} in (${sql.raw(values.map((s) => `'${s}'`).join(", "))})`;

/**
 * One certification run of a platform's live cloud (docs/partners.md "Certification"): what was
 * asked (test users and devices, secrets never stored), its state, and the per-clause report. The
 * partial unique index makes "one run at a time per platform" the database's rule, so two hub
 * instances starting a run for the same platform cannot both win.
 */
export const certificationRuns = pgTable(
  "certification_runs",
  {
    runId: text("run_id").primaryKey(),
    platId: text("plat_id")
      .notNull()
      .references(() => platforms.platId, { onDelete: "cascade" }),
    role: text("role").$type<CertificationRole>().notNull(),
    status: text("status").$type<CertificationStatus>().notNull().default("queued"),
    /** Who started it: "operator:<name>" or "self". */
    requestedBy: text("requested_by").notNull(),
    /** The run request as given, with AuthTokens redacted. */
    request: jsonb("request").$type<Record<string, unknown>>().notNull(),
    /** The per-clause report (services/certification/report.ts); null until the run ends. */
    report: jsonb("report").$type<Record<string, unknown>>(),
    /** Why a run ended in "error" (it could not be carried out, as opposed to a failed clause). */
    error: text("error"),
    createdAt: createdAt(),
    startedAt: tstz("started_at"),
    finishedAt: tstz("finished_at"),
  },
  (t) => [
    check("certification_runs_status_check", inList(t.status, CERTIFICATION_STATUSES)),
    check("certification_runs_role_check", inList(t.role, CERTIFICATION_ROLES)),
    uniqueIndex("certification_runs_one_active_idx")
      .on(t.platId)
      .where(sql`${t.status} in ('queued', 'running')`),
    index("certification_runs_plat_id_created_at_idx").on(t.platId, t.createdAt.desc()),
  ],
);

export type CertificationRun = typeof certificationRuns.$inferSelect;
export type NewCertificationRun = typeof certificationRuns.$inferInsert;
