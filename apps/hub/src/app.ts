import { randomUUID } from "node:crypto";
import { ProtocolError, RetCode, retBody } from "@yunlian/protocol";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { registerConsole } from "./console/register-console.tsx";
import { bodyLimit } from "./lib/body-limit.ts";
import type { HubEnv } from "./lib/hono-env.ts";
import { HubError } from "./lib/hub-error.ts";
import { observeRequests } from "./observability/observe-requests.ts";
import { registerApiReference } from "./openapi/register-api-reference.ts";
import { registerAuditRoutes } from "./routes/admin/audit.ts";
import { registerDeliveryRoutes } from "./routes/admin/deliveries.ts";
import { registerDeviceAdminRoutes } from "./routes/admin/devices.ts";
import { registerModelRoutes } from "./routes/admin/models.ts";
import { registerPlatformRoutes } from "./routes/admin/platforms.ts";
import { registerHealth } from "./routes/health.ts";
import { registerMetrics } from "./routes/metrics.ts";
import { registerSelfRoutes } from "./routes/self/index.ts";
import { registerDataGateway } from "./routes/standard/data-gateway.ts";
import { registerDeviceInfo } from "./routes/standard/devices-info.ts";
import { registerDevicesOp } from "./routes/standard/devices-op.ts";
import { registerDeviceStatus } from "./routes/standard/devices-status.ts";
import { registerBindDevices } from "./routes/standard/user-bind-devices.ts";
import { registerUserLogin } from "./routes/standard/user-login.ts";
import { registerUserLogout } from "./routes/standard/user-logout.ts";
import { registerUserUnregister } from "./routes/standard/user-unregister.ts";
import { registerUserVerify } from "./routes/standard/user-verify.ts";
import { registerUsersDevices } from "./routes/standard/users-devices.ts";
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
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    c.set("requestId", requestId);
    c.header("x-request-id", requestId);
    await next();
  });
  app.use("*", observeRequests());

  app.use("*", bodyLimit(services.config.maxBodyBytes));

  registerHealth(app);
  registerMetrics(app);
  registerUserLogin(app);
  registerUserLogout(app);
  registerUserUnregister(app);
  registerUserVerify(app);
  registerBindDevices(app);
  registerUsersDevices(app);
  registerDeviceInfo(app);
  registerDeviceStatus(app);
  registerDevicesOp(app);
  registerDataGateway(app);
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
    if (err instanceof HubError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json(retBody(err.retCode, err.message, err.extra), Number(err.retCode) as 400);
    }
    if (err instanceof ProtocolError) {
      return c.json(retBody(err.retCode, err.message), Number(err.retCode) as 400);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const code = String(err.status);
      const retCode = (Object.values(RetCode) as string[]).includes(code)
        ? (code as RetCode)
        : RetCode.INVALID;
      return c.json(retBody(retCode, err.message || "bad request"), err.status);
    }
    services.log.error({ err, requestId: c.get("requestId"), path: c.req.path }, "unhandled error");
    return c.json(retBody(RetCode.BUSINESS, `internal error (request id ${c.get("requestId")})`), 500);
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
