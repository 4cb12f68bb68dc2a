import type { Logger } from "pino";
import type { HubMetrics } from "./metrics.ts";
import type { RequestTrace } from "./request-context.ts";

/** Where a served request is recorded: the log and the request metrics. */
export interface RequestRecorder {
  log: Logger;
  metrics: Pick<HubMetrics, "countRequest">;
}

export interface ServedRequest {
  /** The route pattern (metrics label), or "unmatched". */
  route: string;
  method: string;
  path: string;
  status: number;
  trace: RequestTrace;
  seconds: number;
  /** The caller's platform (claimed, when refused before authentication). */
  platId?: string;
  /** The caller's platform once authenticated (a metric label: never a claimed, unchecked id). */
  authenticatedPlatId?: string;
  /** Why a refused request was refused: its RetCode and RetInfo. */
  refusal?: { retCode: string; reason: string };
}

/**
 * One structured log line and the request metrics per request, with the request id and the
 * vendors the request reached. The hub listener calls it once per request, for every route.
 */
export function recordRequest({ log, metrics }: RequestRecorder, r: ServedRequest): void {
  const { vendors } = r.trace;
  const vendor = vendors.length === 0 ? "none" : vendors.length === 1 ? vendors[0] : "multiple";
  // The RetCode, not the HTTP status: an always200 platform gets HTTP 200 for every answer.
  const retCode = r.refusal?.retCode ?? String(r.status);
  metrics.countRequest(r.route, retCode, vendor ?? "none", r.seconds, r.authenticatedPlatId);
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
      vendors: vendors.length > 0 ? vendors : undefined,
      // A refusal says who was refused and why: the operator's first question about a 4xx.
      platId: r.platId,
      retCode: r.refusal?.retCode,
      reason: r.refusal?.reason,
    },
    "request",
  );
}
