import { Counter, Histogram } from "prom-client";
import { HotCounter, HotHistogram } from "./hot-metrics.ts";
import { LATENCY_BUCKETS, WorkerMetrics } from "./worker-metrics.ts";

/**
 * Prometheus metrics of one hub process (GET /metrics): a worker's (worker-metrics.ts: process,
 * delivery, vendor calls, reconciliation, retention — the same names on both) plus the HTTP
 * requests, refused reports and op tracking only the hub has.
 */
export class HubMetrics extends WorkerMetrics {
  readonly requests = new HotCounter({
    name: "yunlian_requests_total",
    help: "Requests served, by interface (route), RetCode (mirrored HTTP status) and vendor (none, one platform id, or multiple)",
    labelNames: ["interface", "ret_code", "vendor"] as const,
    registers: [this.registry],
  });

  readonly platformRequests = new HotCounter({
    name: "yunlian_platform_requests_total",
    help: "Platform API requests by the authenticated calling platform and the RetCode answered (unauthenticated callers are not labelled)",
    labelNames: ["platform", "ret_code"] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new HotHistogram({
    name: "yunlian_request_duration_seconds",
    help: "Request latency by interface",
    labelNames: ["interface"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly reportsRefused = new Counter({
    name: "yunlian_reports_refused_total",
    help: "Status reports refused because the vendor's own device ID maps to no bound device (unknown) or to more than one (ambiguous), by vendor",
    labelNames: ["vendor", "reason"] as const,
    registers: [this.registry],
  });

  readonly opsTotal = new Counter({
    name: "yunlian_ops_total",
    help: "Commanded devices of devices/op by vendor and outcome once settled: confirmed (a report showed the commanded state), timeout (HUB_OP_CONFIRM_TIMEOUT passed first) or failed (the vendor refused it)",
    labelNames: ["vendor", "outcome"] as const,
    registers: [this.registry],
  });

  readonly opConfirmation = new Histogram({
    name: "yunlian_op_confirmation_seconds",
    help: "Time from a devices/op to the status report that confirmed it, by vendor",
    labelNames: ["vendor"] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers: [this.registry],
  });

  /** One request served: its count by interface, RetCode and vendor, and its latency. */
  countRequest(route: string, retCode: string, vendor: string, seconds: number, caller?: string): void {
    this.requests.inc([route, retCode, vendor]);
    this.requestDuration.observe([route], seconds);
    if (caller !== undefined) this.platformRequests.inc([caller, retCode]);
  }
}
