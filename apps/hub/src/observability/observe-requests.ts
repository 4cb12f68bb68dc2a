import type { MiddlewareHandler } from "hono";
import type { HubEnv } from "../lib/hono-env.ts";
import type { HubServices } from "../services/hub-services.ts";
import { newTrace, type RequestTrace } from "./request-context.ts";

export interface ServedRequest {
  /** The route pattern (metrics label), or "unmatched". */
  route: string;
  method: string;
  path: string;
  status: number;
  trace: RequestTrace;
  seconds: number;
}

/**
 * One structured log line and the request metrics per request, with the request id and the
 * vendors the request reached. Called by both server paths (the standard fast path and the app).
 */
export function recordRequest(
  { log, metrics }: Pick<HubServices, "log" | "metrics">,
  r: ServedRequest,
): void {
  const { vendors } = r.trace;
  const vendor = vendors.size === 0 ? "none" : vendors.size === 1 ? [...vendors][0] : "multiple";
  metrics.countRequest(r.route, r.status, vendor ?? "none", r.seconds);
  if (r.route === "/metrics" || r.route === "/health") return;
  const level = r.status >= 500 ? "error" : "info";
  if (!log.isLevelEnabled(level)) return;
  log[level](
    {
      requestId: r.trace.requestId,
      method: r.method,
      path: r.path,
      status: r.status,
      durationMs: Math.round(r.seconds * 1000 * 10) / 10,
      vendors: vendors.size > 0 ? [...vendors] : undefined,
    },
    "request",
  );
}

/** The app's middleware: a trace for the request (see request-context.ts), recorded once answered. */
export function observeRequests(): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const trace = newTrace(c.get("requestId"));
    c.set("trace", trace);
    const start = performance.now();
    await next();
    const route = c.req.routePath && c.req.routePath !== "*" ? c.req.routePath : "unmatched";
    recordRequest(c.get("services"), {
      route,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      trace,
      seconds: (performance.now() - start) / 1000,
    });
  };
}
