import { isAdapterError } from "@yunlian/adapter-sdk";
import type { ClauseDef } from "./clauses.ts";
import type { RecordingHttp } from "./recording-http.ts";
import { ClauseFailure, NotApplicable, type ReportBuilder } from "./report.ts";

/**
 * Checks one clause: `check` returning is a pass, throwing NotApplicable is "not applicable", and
 * any other throw (a ClauseFailure, or the adapter's error) a fail with the exchanges it made.
 * Returns whether the clause passed, so later clauses that build on it can say why they cannot.
 */
export async function checkClause(
  report: ReportBuilder,
  http: RecordingHttp,
  def: ClauseDef,
  check: () => Promise<void>,
): Promise<boolean> {
  const mark = http.mark();
  try {
    await check();
    report.record(def, "pass");
    return true;
  } catch (err) {
    if (err instanceof NotApplicable) {
      report.record(def, "not_applicable", err.message);
      return true;
    }
    report.record(def, "fail", describe(err), http.since(mark));
    return false;
  }
}

function describe(err: unknown): string {
  if (err instanceof ClauseFailure) return err.message;
  if (isAdapterError(err)) return `the adapter failed (${err.kind}): ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

export function expect(condition: boolean, why: string): asserts condition {
  if (!condition) throw new ClauseFailure(why);
}

/** Polls `probe` until it returns a value or `until` passes. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  until: number,
  now: () => number,
  everyMs = 200,
): Promise<T | undefined> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (now() + everyMs > until) return undefined;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
