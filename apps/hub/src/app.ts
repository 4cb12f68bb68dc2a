import { RetCode, retBody } from "@yunlian/protocol";
import { Hono } from "hono";
import { registerConsole } from "./console/register-console.tsx";
import { bodyLimit } from "./lib/body-limit.ts";
import { answerForError } from "./lib/error-answer.ts";
import type { HubEnv } from "./lib/hono-env.ts";
import { observeRequests } from "./observability/observe-requests.ts";
import { requestIdOf } from "./observability/request-context.ts";
import { registerApiReference } from "./openapi/register-api-reference.ts";
import { registerAuditRoutes } from "./routes/admin/audit.ts";
import { registerDeliveryRoutes } from "./routes/admin/deliveries.ts";
import { registerDeviceAdminRoutes } from "./routes/admin/devices.ts";
import { registerModelRoutes } from "./routes/admin/models.ts";
import { registerPlatformRoutes } from "./routes/admin/platforms.ts";
import { registerHealth } from "./routes/health.ts";
import { registerMetrics } from "./routes/metrics.ts";
import { registerSelfRoutes } from "./routes/self/index.ts";
import { standardEndpoints } from "./routes/standard/index.ts";
import { registerStandardEndpoints } from "./routes/standard/standard-route.ts";
import { adminGate } from "./security/admin-gate.ts";
import type { HubServices } from "./services/hub-services.ts";

export interface AppOptions {
  /** The operator token for /admin; the caller resolves it (env, or generated and stored). */
  adminToken: string;
  /** Extra route groups (deliveries, dataGateway …) registered by other modules. */
  extraRoutes?: ((app: Hono<HubEnv>) => void)[];
}

/**
 * The hub's HTTP app: one place that sets the services on the context, the limits, the
 * error handler and the routes. Exported so tests call `app.request()` without a port.
 */
export function createApp(services: HubServices, options: AppOptions): Hono<HubEnv> {
  const app = new Hono<HubEnv>();

  app.use("*", async (c, next) => {
    c.set("services", services);
    const requestId = requestIdOf(c.req.header("x-request-id"));
    c.set("requestId", requestId);
    c.header("x-request-id", requestId);
    await next();
  });
  app.use("*", observeRequests());

  app.use("*", bodyLimit(services.config.maxBodyBytes));

  registerHealth(app);
  registerMetrics(app);
  registerStandardEndpoints(app, standardEndpoints);
  registerApiReference(app);
  registerConsole(app, options.adminToken);

  app.use("/admin/*", adminGate(options.adminToken));
  registerPlatformRoutes(app);
  registerSelfRoutes(app);
  registerAuditRoutes(app);
  registerDeliveryRoutes(app);
  registerDeviceAdminRoutes(app);
  registerModelRoutes(app);
  for (const register of options.extraRoutes ?? []) register(app);

  registerMethodNotAllowed(app);
  app.notFound((c) =>
    c.json(retBody(RetCode.NOT_FOUND, `no such interface: ${c.req.method} ${c.req.path}`), 404),
  );
  app.onError((err, c) => {
    const answer = answerForError(err, services.log, { requestId: c.get("requestId"), path: c.req.path });
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
