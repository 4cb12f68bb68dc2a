import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import type { CertificationCtx } from "../../services/certification/certification-context.ts";
import type { RunJobs } from "../../services/certification/execute-run.ts";
import type { GrantsCtx } from "../../services/grants/grants.ts";
import type { ModelsCtx } from "../../services/models/publish-model.ts";
import type { PlatformsCtx } from "../../services/platforms/manage-platforms.ts";
import type { DeliveriesCtx } from "../../services/reports/manage-deliveries.ts";
import { registerSelfCertificationRoutes } from "./self-certification.ts";
import { registerSelfDeliveryRoutes } from "./self-deliveries.ts";
import { registerSelfGrantRoutes } from "./self-grants.ts";
import { registerSelfModelRoutes } from "./self-models.ts";
import { registerSelfPlatformRoutes } from "./self-platform.ts";

export interface SelfServiceCtx {
  platforms: PlatformsCtx;
  deliveries: Pick<DeliveriesCtx, "db">;
  models: ModelsCtx;
  grants: GrantsCtx;
  certification: { ctx: CertificationCtx; jobs: RunJobs };
}

/** Platform self-service (/admin/v1/self/…); the admin gate authenticates the caller first. */
export function registerSelfRoutes(app: Hono<HubEnv>, ctx: SelfServiceCtx) {
  registerSelfPlatformRoutes(app, ctx.platforms);
  registerSelfDeliveryRoutes(app, ctx.deliveries);
  registerSelfModelRoutes(app, ctx.models);
  registerSelfGrantRoutes(app, ctx.grants);
  registerSelfCertificationRoutes(app, ctx.certification.ctx, ctx.certification.jobs);
}
