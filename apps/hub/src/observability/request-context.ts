import { randomUUID } from "node:crypto";

/**
 * What the hub learns about one request while serving it: created where the request enters
 * (the standard fast path or the app's middleware) and handed down explicitly to the services
 * that call vendors. Explicit rather than AsyncLocalStorage: on Node 20 an active
 * AsyncLocalStorage turns on promise hooks for every promise of the process, a measurable
 * cost on the device-call hot path.
 */
export interface RequestTrace {
  requestId: string;
  /**
   * Vendor platforms the request was sent on to, each once (vendorTarget adds them). A list, not
   * a Set: a request reaches one vendor or a few, and a Set per request cost more than the scan.
   */
  vendors: string[];
}

export function newTrace(requestId: string): RequestTrace {
  return { requestId, vendors: [] };
}

/** Notes that the request was sent on to `platId`. */
export function noteVendor(trace: RequestTrace, platId: string): void {
  if (!trace.vendors.includes(platId)) trace.vendors.push(platId);
}

const ACCEPTED_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The caller's X-Request-ID when it is a sane token (it ends up in logs and vendor calls), else a new one. */
export function requestIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && ACCEPTED_REQUEST_ID.test(given) ? given : randomUUID();
}
