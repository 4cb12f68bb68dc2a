import type { CertificationRole } from "@yunlian/db";
import { type ClauseDef, clausesOf } from "./clauses.ts";

export type ClauseOutcome = "pass" | "fail" | "not_applicable";

/** One HTTP exchange of a failed clause, secrets redacted (redact.ts). */
export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  /** null when no answer came (refused connection, timeout). */
  status: number | null;
  answer: string;
}

export interface ClauseResult {
  id: string;
  section: string;
  title: string;
  required: boolean;
  outcome: ClauseOutcome;
  /** What went wrong (fail), or why it does not apply. */
  detail?: string;
  /** Every request and its answer made while checking a failed clause. */
  exchanges?: Exchange[];
}

export interface CertificationReport {
  role: CertificationRole;
  clauses: ClauseResult[];
  /** Every required clause passed or does not apply. */
  certified: boolean;
  calls: number;
}

/** A clause check's verdict: pass, or why it failed / does not apply. */
export class ClauseFailure extends Error {}
export class NotApplicable extends Error {}

/** The report of a run, filled clause by clause; clauses never reached end as failed ("not reached"). */
export class ReportBuilder {
  private readonly results = new Map<string, ClauseResult>();

  constructor(private readonly role: CertificationRole) {}

  record(def: ClauseDef, outcome: ClauseOutcome, detail?: string, exchanges?: Exchange[]): void {
    this.results.set(def.id, {
      id: def.id,
      section: def.section,
      title: def.title,
      required: def.required,
      outcome,
      ...(detail === undefined ? {} : { detail }),
      ...(exchanges && exchanges.length > 0 ? { exchanges } : {}),
    });
  }

  has(id: string): boolean {
    return this.results.has(id);
  }

  outcomeOf(id: string): ClauseOutcome | undefined {
    return this.results.get(id)?.outcome;
  }

  finish(calls: number, why = "not reached: the run stopped before this clause"): CertificationReport {
    const clauses = clausesOf(this.role).map(
      (def) =>
        this.results.get(def.id) ?? {
          id: def.id,
          section: def.section,
          title: def.title,
          required: def.required,
          outcome: "fail" as const,
          detail: why,
        },
    );
    return { role: this.role, clauses, certified: isCertified(clauses), calls };
  }
}

function isCertified(clauses: readonly Pick<ClauseResult, "required" | "outcome">[]): boolean {
  return clauses.every((c) => !c.required || c.outcome !== "fail");
}
