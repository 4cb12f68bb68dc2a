import type { Hono } from "hono";
import { z } from "zod";
import type { HubEnv } from "../../lib/hono-env.ts";
import { notFound } from "../../lib/hub-error.ts";
import { selfCaller } from "../../security/admin-gate.ts";
import type { CertificationCtx } from "../../services/certification/certification-context.ts";
import type { RunJobs } from "../../services/certification/execute-run.ts";
import { getRun, listRuns } from "../../services/certification/run-store.ts";
import { runView } from "../../services/certification/run-view.ts";
import { startCertificationRun } from "../../services/certification/start-run.ts";
import { jsonInputOrEmpty } from "../admin/json-input.ts";

const anyBody = z.unknown();

/** A platform certifying its own live cloud (self-service): only ever its own runs. */
export function registerSelfCertificationRoutes(app: Hono<HubEnv>, ctx: CertificationCtx, jobs: RunJobs) {
  app.post("/admin/v1/self/certification-runs", async (c) => {
    const { platform, actor } = selfCaller(c);
    const run = await startCertificationRun(ctx, jobs, platform.platId, jsonInputOrEmpty(c, anyBody), actor);
    return c.json(runView(run), 202);
  });

  app.get("/admin/v1/self/certification-runs", async (c) => {
    const { platform } = selfCaller(c);
    return c.json({ runs: (await listRuns(ctx.db, platform.platId)).map(runView) });
  });

  app.get("/admin/v1/self/certification-runs/:runId", async (c) => {
    const { platform } = selfCaller(c);
    const run = await getRun(ctx.db, c.req.param("runId"));
    // Another platform's run is indistinguishable from a missing one.
    if (!run || run.platId !== platform.platId)
      throw notFound(`certification run ${c.req.param("runId")} not found`);
    return c.json(runView(run));
  });
}
