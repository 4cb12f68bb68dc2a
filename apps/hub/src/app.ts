import type { Database, DatabaseHandle } from "@yunlian/db";
import { RetCode, retBody } from "@yunlian/protocol";
import { Hono } from "hono";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { type ConsoleDeps, registerConsole } from "./console/register-console.tsx";
import { answerForError, noSuchInterface } from "./lib/error-answer.ts";
import type { HubEnv } from "./lib/hono-env.ts";
import { registerApiReference } from "./openapi/register-api-reference.ts";
import type { PlatformRegistry } from "./registry/platform-registry.ts";
import { registerAuditRoutes } from "./routes/admin/audit.ts";
import { registerCertificationRoutes } from "./routes/admin/certification.ts";
import { registerDeliveryRoutes } from "./routes/admin/deliveries.ts";
import { registerDeviceAdminRoutes } from "./routes/admin/devices.ts";
import { registerDriftAdminRoutes } from "./routes/admin/drift.ts";
import { registerGrantRoutes } from "./routes/admin/grants.ts";
import { registerModelRoutes } from "./routes/admin/models.ts";
import { registerOperatorKeyRoutes } from "./routes/admin/operator-keys.ts";
import { registerPlatformRoutes } from "./routes/admin/platforms.ts";
import { registerSecretRoutes } from "./routes/admin/secrets.ts";
import { registerHealth } from "./routes/health.ts";
import { registerMetrics } from "./routes/metrics.ts";
import { registerSelfRoutes } from "./routes/self/index.ts";
import { adminGate } from "./security/admin-gate.ts";
import type { GuardCtx } from "./security/guard-caller.ts";
import type { OperatorAuth } from "./security/operator-auth.ts";
import { noteAnswer, stateOf } from "./server/request-state.ts";
import type { CertificationCtx } from "./services/certification/certification-context.ts";
import type { RunJobs } from "./services/certification/execute-run.ts";
import type { GrantsCtx } from "./services/grants/grants.ts";
import type { ModelsCtx } from "./services/models/publish-model.ts";
import type { OperatorKeysCtx } from "./services/operators/operator-keys.ts";
import type { PromoteCtx } from "./services/platforms/promote-platform.ts";
import type { DeliveriesCtx } from "./services/reports/manage-deliveries.ts";
import type { RewrapCtx } from "./services/secrets/rewrap-secrets.ts";

/** What the Hono app's routes use, each group its own. */
export interface AppDeps {
  /** Who may use /admin, /metrics and the console: HUB_ADMIN_TOKEN and the operator keys. */
  operators: OperatorAuth;
  operatorKeys: OperatorKeysCtx;
  secrets: RewrapCtx;
  guard: GuardCtx;
  health: Pick<DatabaseHandle, "ping">;
  metrics: Registry;
  /** HUB_METRICS_TOKEN: a scrape may send it instead of the operator token. */
  metricsToken?: string;
  /** HUB_PUBLIC_URL, for the OpenAPI document's server. */
  publicUrl?: string;
  platforms: PromoteCtx;
  deliveries: DeliveriesCtx;
  models: ModelsCtx;
  grants: GrantsCtx;
  devices: { db: Database; registry: PlatformRegistry };
  /** Certification runs (docs/partners.md "Certification"): the service and where runs execute. */
  certification: { ctx: CertificationCtx; jobs: RunJobs };
  console: Omit<ConsoleDeps, "operators">;
  log: Logger;
}

/**
 * The hub's Hono app: everything but the platform API under /v1 (admin API, self-service,
 * console, docs, health, metrics). Only reachable through the hub listener
 * (server/hub-listener.ts), which has read the body, set the request id and records the request.
 */
export function createApp(deps: AppDeps): Hono<HubEnv> {
  const app = new Hono<HubEnv>();

  app.use("*", async (c, next) => {
    const state = stateOf(c.env.incoming);
    c.set("requestId", state.trace.requestId);
    c.set("trace", state.trace);
    await next();
    // The route pattern, for the listener's metrics (after next(): the handler that answered).
    if (c.req.routePath && c.req.routePath !== "*" && c.req.routePath !== "/*") state.route = c.req.routePath;
  });

  // A person who opens the hub's address in a browser lands on the console, not on a JSON 404.
  app.get("/", (c) => c.redirect("/console", 302));
  registerHealth(app, deps.health);
  registerMetrics(
    app,
    deps.metrics,
    { metricsToken: deps.metricsToken, operators: deps.operators },
    deps.guard.unauthBudget,
  );
  registerApiReference(app, deps.publicUrl);
  registerConsole(app, { ...deps.console, operators: deps.operators });

  app.use("/admin/*", adminGate(deps.operators, deps.guard));
  registerPlatformRoutes(app, deps.platforms);
  registerSelfRoutes(app, {
    platforms: deps.platforms,
    deliveries: deps.deliveries,
    models: deps.models,
    grants: deps.grants,
    certification: deps.certification,
  });
  registerAuditRoutes(app, deps.platforms);
  registerDeliveryRoutes(app, deps.deliveries);
  registerDeviceAdminRoutes(app, deps.devices);
  registerDriftAdminRoutes(app, deps.devices);
  registerModelRoutes(app, deps.models);
  registerGrantRoutes(app, deps.grants);
  registerCertificationRoutes(app, deps.certification.ctx, deps.certification.jobs);
  registerOperatorKeyRoutes(app, deps.operatorKeys);
  registerSecretRoutes(app, deps.secrets);

  registerMethodNotAllowed(app);
  app.notFound((c) => c.json(noSuchInterface(c.req.method, c.req.path), 404));
  app.onError((err, c) => {
    const answer = answerForError(err, deps.log, { requestId: c.get("requestId"), path: c.req.path });
    noteAnswer(stateOf(c.env.incoming), answer.status, answer.body);
    for (const [k, v] of Object.entries(answer.headers)) c.header(k, v);
    return c.json(answer.body, answer.status as 400);
  });
  return app;
}

/**
 * A known path with the wrong method answers 405 with the allowed methods, instead of 404:
 * it tells a caller that the path is right and the verb is not.
 */
function registerMethodNotAllowed(app: Hono<HubEnv>): void {
  const allowed = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue;
    const set = allowed.get(route.path) ?? new Set<string>();
    set.add(route.method);
    allowed.set(route.path, set);
  }
  for (const [path, methods] of allowed) {
    if (path === "*" || path === "/admin/*") continue;
    const allow = [...methods].sort().join(", ");
    app.all(path, (c) => {
      c.header("Allow", allow);
      return c.json(
        retBody(RetCode.METHOD_NOT_ALLOWED, `${c.req.method} is not allowed here; use ${allow}`),
        405,
      );
    });
  }
}
