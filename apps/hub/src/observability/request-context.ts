import { AsyncLocalStorage } from "node:async_hooks";

/** What the hub learns about one request while serving it, readable anywhere below the route. */
export interface RequestContext {
  requestId: string;
  /** Vendor platforms the request was sent on to. */
  vendors: Set<string>;
}

/**
 * Carries the request id and the vendors touched through every await of one request, so the
 * request log line and metrics can name them without threading them through every service.
 */
export const requestContext = new AsyncLocalStorage<RequestContext>();
