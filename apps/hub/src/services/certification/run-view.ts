import type { CertificationRun } from "@yunlian/db";
import type { CertificationReport } from "./report.ts";

/** A run as the admin API, self-service and hubctl show it. */
export function runView(run: CertificationRun) {
  const report = (run.report ?? null) as CertificationReport | null;
  return {
    runId: run.runId,
    platId: run.platId,
    role: run.role,
    status: run.status,
    requestedBy: run.requestedBy,
    request: run.request,
    certified: run.status === "passed",
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    report,
  };
}
