import type { MiddlewareHandler } from "hono";
import type { HubEnv } from "../lib/hono-env.ts";
import { type RequestContext, requestContext } from "./request-context.ts";

/**
 * One structured log line and the request metrics per request, with the request id and the
 * vendors the request reached (collected through AsyncLocalStorage while it ran).
 */
export function observeRequests(): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const { log, metrics } = c.get("services");
    const store: RequestContext = { requestId: c.get("requestId"), vendors: new Set() };
    const start = performance.now();
    await requestContext.run(store, () => next());
    const seconds = (performance.now() - start) / 1000;
    const route = c.req.routePath && c.req.routePath !== "*" ? c.req.routePath : "unmatched";
    const status = c.res.status;
    const vendor =
      store.vendors.size === 0 ? "none" : store.vendors.size === 1 ? [...store.vendors][0] : "multiple";
    metrics.requests.inc({ interface: route, ret_code: String(status), vendor });
    metrics.requestDuration.observe({ interface: route }, seconds);
    if (route === "/metrics" || route === "/health") return;
    const fields = {
      requestId: store.requestId,
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: Math.round(seconds * 1000 * 10) / 10,
      vendors: store.vendors.size > 0 ? [...store.vendors] : undefined,
    };
    if (status >= 500) log.error(fields, "request");
    else log.info(fields, "request");
  };
}
