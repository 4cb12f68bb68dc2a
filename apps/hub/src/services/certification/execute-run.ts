import { runAppCertification } from "./app-run.ts";
import type { CertificationCtx } from "./certification-context.ts";
import { RecordingHttp } from "./recording-http.ts";
import { ReportBuilder } from "./report.ts";
import type { AppRunInput, VendorRunInput } from "./run-input.ts";
import { finishRun, markRunning } from "./run-store.ts";
import { runVendorCertification } from "./vendor-run.ts";

/** One run to carry out: what a job carries (serialisable, for BullMQ). */
export interface RunJob {
  runId: string;
  platId: string;
  input: VendorRunInput | AppRunInput;
}

/** Where runs execute: in this process (run-jobs.ts), or on BullMQ when Redis is configured (queue-jobs.ts). */
export interface RunJobs {
  readonly mode: "in-process" | "bullmq";
  schedule(job: RunJob): Promise<void>;
  /** Waits for the runs in progress here (each bounded by HUB_CERTIFICATION_TIMEOUT). */
  close(): Promise<void>;
}

/** Runs in this process (embedded and single-node): one promise per run. */
export function inProcessJobs(execute: (job: RunJob) => Promise<void>): RunJobs {
  const running = new Map<string, Promise<void>>();
  return {
    mode: "in-process",
    async schedule(job) {
      // After the answer: the request that started the run does not wait for it.
      const done = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => execute(job))
        .finally(() => running.delete(job.runId));
      running.set(job.runId, done);
    },
    async close() {
      await Promise.allSettled([...running.values()]);
    },
  };
}

/**
 * Carries out one run: bounded by HUB_CERTIFICATION_TIMEOUT (every call's timeout is cut to what is
 * left, and a run that overstays is ended) and HUB_CERTIFICATION_MAX_CALLS; the report is stored
 * whatever happens, and an unexpected error ends the run as "error" with the clauses reached so far.
 */
export async function executeRun(ctx: CertificationCtx, job: RunJob): Promise<void> {
  try {
    await carryOut(ctx, job);
  } catch (err) {
    // The database failed under the run (its row could not be written): logged, never an
    // unhandled rejection; the row ends as "error" when the next run of the platform starts.
    ctx.log.error(
      { err, runId: job.runId, platId: job.platId },
      "certification run state could not be stored",
    );
  }
}

async function carryOut(ctx: CertificationCtx, { runId, platId, input }: RunJob): Promise<void> {
  const started = ctx.now();
  if (!(await markRunning(ctx.db, runId, started))) return;
  const platform = ctx.registry.get(platId);
  const role = "devices" in input ? "vendor" : "app";
  const report = new ReportBuilder(role);
  const clock = () => ctx.now().getTime();
  const deadline = started.getTime() + ctx.settings.timeoutMs;
  const http = new RecordingHttp(ctx.vendors.http, {
    maxCalls: ctx.settings.maxCalls,
    deadline,
    callTimeoutMs: ctx.vendorTimeoutMs,
    now: clock,
  });
  let timer: NodeJS.Timeout | undefined;
  const overtime = new Promise<"timeout">((resolve) => {
    // A little grace past the deadline: calls already stop at it, this catches a check stuck elsewhere.
    timer = setTimeout(() => resolve("timeout"), ctx.settings.timeoutMs + 5000);
  });
  try {
    if (!platform) throw new Error(`platform ${platId} is gone`);
    const work =
      "devices" in input
        ? runVendorCertification(
            { vendors: ctx.vendors, http, report, deadline, reportWaitMs: ctx.settings.reportWaitMs, clock },
            platform,
            input,
          )
        : runAppCertification(
            { http, report, hubPlatId: ctx.vendors.hubPlatId, now: ctx.now, log: ctx.log },
            platform,
            input,
          );
    const outcome = await Promise.race([work.then(() => "done" as const), overtime]);
    const why =
      outcome === "timeout"
        ? `not reached: the run exceeded HUB_CERTIFICATION_TIMEOUT (${ctx.settings.timeoutMs / 1000} s)`
        : undefined;
    await finishRun(ctx.db, runId, ctx.now(), { report: report.finish(http.calls, why) });
    ctx.log.info({ runId, platId, calls: http.calls }, "certification run finished");
  } catch (err) {
    ctx.log.error({ err, runId, platId }, "certification run could not be carried out");
    await finishRun(ctx.db, runId, ctx.now(), {
      error: err instanceof Error ? err.message : String(err),
      report: report.finish(http.calls),
    });
  } finally {
    clearTimeout(timer);
  }
}
