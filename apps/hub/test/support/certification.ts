import { expect } from "vitest";
import type { adminClient } from "./client.ts";

interface ClauseRow {
  id: string;
  outcome: "pass" | "fail" | "not_applicable";
  required: boolean;
  detail?: string;
  exchanges?: { url: string; requestHeaders: Record<string, string>; requestBody: string; answer: string }[];
}

export interface RunAnswer {
  runId: string;
  platId: string;
  status: string;
  requestedBy: string;
  certified: boolean;
  report: { clauses: ClauseRow[]; certified: boolean; calls: number } | null;
  error: string | null;
}

/** Starts a run as the operator and waits until it has finished. */
export async function certify(
  admin: ReturnType<typeof adminClient>,
  platId: string,
  body: unknown,
  timeoutMs = 60_000,
): Promise<RunAnswer> {
  const started = await admin.post(`/admin/v1/platforms/${platId}/certification-runs`, body);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return waitForRun(admin, String(started.body.runId), timeoutMs);
}

export async function waitForRun(
  admin: ReturnType<typeof adminClient>,
  runId: string,
  timeoutMs = 60_000,
): Promise<RunAnswer> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await admin.get(`/admin/v1/certification-runs/${runId}`);
    const run = res.body as unknown as RunAnswer;
    if (run.status !== "queued" && run.status !== "running") return run;
    if (Date.now() > until) throw new Error(`run ${runId} still ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The ids of the clauses that failed, for "fails exactly the clause concerned". */
export function failedClauses(run: RunAnswer): string[] {
  return (run.report?.clauses ?? []).filter((c) => c.outcome === "fail").map((c) => c.id);
}

/** A readable account of a report, for assertion messages. */
export function describeRun(run: RunAnswer): string {
  return JSON.stringify(
    {
      status: run.status,
      error: run.error,
      clauses: run.report?.clauses.map((c) => [c.id, c.outcome, c.detail]),
    },
    null,
    1,
  );
}
