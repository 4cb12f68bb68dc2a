import type { CertificationRun } from "@yunlian/db";
import { invalid, notFound } from "../../lib/hub-error.ts";
import { validate } from "../../lib/validate.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { audit } from "../audit/audit.ts";
import type { CertificationCtx } from "./certification-context.ts";
import type { RunJobs } from "./execute-run.ts";
import { appRunInput, storedRequest, vendorRunInput } from "./run-input.ts";
import { createRun, endOrphanedRuns } from "./run-store.ts";

/**
 * Starts a certification run of `platId` (operator, or the platform itself): the role follows the
 * registration (manufacturer codes: a vendor cloud; none: an app platform), the body is that role's
 * run request. Answers the queued run at once; the run goes on as a job (execute-run.ts).
 */
export async function startCertificationRun(
  ctx: CertificationCtx,
  jobs: RunJobs,
  platId: string,
  body: unknown,
  requestedBy: string,
): Promise<CertificationRun> {
  const platform = ctx.registry.get(platId);
  if (!platform) throw notFound(`platform ${platId} not found`);
  const role = platform.manufacturerCodes.length > 0 ? "vendor" : "app";
  const input = role === "vendor" ? validate(vendorRunInput, body) : validate(appRunInput, body);
  if ("devices" in input) ownDevicesOnly(platform, input.devices);
  // A run its process never finished (it stopped) must not hold the platform's one slot forever.
  const now = ctx.now();
  await endOrphanedRuns(ctx.db, new Date(now.getTime() - ctx.settings.timeoutMs - ORPHAN_GRACE_MS), now);
  const run = await createRun(ctx.db, { platId, role, requestedBy, request: storedRequest(input) });
  await jobs.schedule({ runId: run.runId, platId, input });
  await audit(ctx, {
    actor: requestedBy,
    action: "certification.start",
    outcome: "ok",
    target: platId,
    detail: { runId: run.runId, role },
  });
  return run;
}

/** Past its time limit by this much, a queued or running run is certainly orphaned. */
export const ORPHAN_GRACE_MS = 60_000;

/** A run touches only the platform under test: every listed device must carry one of its codes. */
function ownDevicesOnly(platform: PlatformRecord, devices: string[]): void {
  const foreign = devices.filter((id) => !platform.manufacturerCodes.includes(id.slice(0, 6)));
  if (foreign.length > 0) {
    throw invalid(
      `devices: ${foreign.join(", ")} do not carry a manufacturer code of platform ${platform.platId} (${platform.manufacturerCodes.join(", ")}); a run tests only the platform's own devices`,
    );
  }
}
