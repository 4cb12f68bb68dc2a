import type { Hono } from "hono";
import { z } from "zod";
import type { HubEnv } from "../../lib/hono-env.ts";
import { notFound } from "../../lib/hub-error.ts";
import { operatorOf } from "../../security/admin-gate.ts";
import type { CertificationCtx } from "../../services/certification/certification-context.ts";
import type { RunJobs } from "../../services/certification/execute-run.ts";
import { getRun, listRuns } from "../../services/certification/run-store.ts";
import { runView } from "../../services/certification/run-view.ts";
import { startCertificationRun } from "../../services/certification/start-run.ts";
import { jsonInputOrEmpty } from "./json-input.ts";

/** The raw body; the run's own schema (per role) validates it in the service. */
const anyBody = z.unknown();

/** Certification runs of a platform's live cloud, started and read by the operator (docs/partners.md). */
export function registerCertificationRoutes(app: Hono<HubEnv>, ctx: CertificationCtx, jobs: RunJobs) {
  app.post("/admin/v1/platforms/:platId/certification-runs", async (c) => {
    const { actor } = operatorOf(c);
    const run = await startCertificationRun(
      ctx,
      jobs,
      c.req.param("platId"),
      jsonInputOrEmpty(c, anyBody),
      actor,
    );
    return c.json(runView(run), 202);
  });

  app.get("/admin/v1/platforms/:platId/certification-runs", async (c) => {
    const platId = c.req.param("platId");
    if (!ctx.registry.get(platId)) throw notFound(`platform ${platId} not found`);
    return c.json({ runs: (await listRuns(ctx.db, platId)).map(runView) });
  });

  app.get("/admin/v1/certification-runs/:runId", async (c) => {
    const run = await getRun(ctx.db, c.req.param("runId"));
    if (!run) throw notFound(`certification run ${c.req.param("runId")} not found`);
    return c.json(runView(run));
  });
}
