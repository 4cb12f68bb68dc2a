import { DELIVERY_STATUSES } from "@yunlian/db";
import type { DeliveryObserver } from "@yunlian/delivery";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { HotCounter, HotHistogram } from "./hot-metrics.ts";

export const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The outbox as /metrics shows it (read from the database at most once per 10 s). */
interface Backlog {
  byStatus: Record<string, number>;
  oldestPendingAgeSeconds: number;
}

/** Live numbers the hub cannot count as they happen: read from the database and runner at scrape. */
export interface MetricsSources {
  backlog(): Promise<Backlog>;
  queueDepth(): Promise<number | undefined>;
  /** Breaker per receiving platform (platId: never a URL in a label). */
  breakers(): { platId: string; state: string; inFlight: number }[];
}

/**
 * The metrics of a process that delivers status reports and reconciles (apps/worker's /metrics):
 * Node's process metrics, delivery attempts, backlog and breakers, vendor calls, drift and
 * reconciliation polls, retention. The hub has every one of them under the same names
 * (HubMetrics extends this), so a dashboard reads hubs and workers alike. Counters and histograms
 * are updated as things happen; backlog, queue depth and breaker states are read at scrape time.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private sources?: MetricsSources;

  readonly vendorCalls = new HotCounter({
    name: "yunlian_vendor_calls_total",
    help: "Calls to vendor clouds through their adapters, by vendor, operation and outcome (ok or the RetCode answered)",
    labelNames: ["vendor", "operation", "outcome"] as const,
    registers: [this.registry],
  });

  readonly vendorDuration = new HotHistogram({
    name: "yunlian_vendor_call_duration_seconds",
    help: "Vendor call latency by vendor and operation",
    labelNames: ["vendor", "operation"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly deliveryAttempts = new Counter({
    name: "yunlian_delivery_attempts_total",
    help: "Status-report delivery attempts made by this process, by receiving platform and outcome",
    labelNames: ["platform", "outcome"] as const,
    registers: [this.registry],
  });

  readonly deliveryHandoffs = new Counter({
    name: "yunlian_delivery_handoffs_total",
    help: "New deliveries this process queued in BullMQ right after ingest (queued), or could not (failed: the workers' relay queues those from the outbox after 5 s)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  readonly driftTotal = new Counter({
    name: "yunlian_drift_total",
    help: "Device states reconciliation found different from the shadow (a status report the vendor did not send), by vendor",
    labelNames: ["vendor"] as const,
    registers: [this.registry],
  });

  readonly reconcilePolls = new Counter({
    name: "yunlian_reconcile_polls_total",
    help: "Reconciliation calls to vendors made by this process (deviceStatus per device, users/devices per account), by vendor, kind and outcome",
    labelNames: ["vendor", "kind", "outcome"] as const,
    registers: [this.registry],
  });

  readonly retentionPartitionsDropped = new Counter({
    name: "yunlian_retention_partitions_dropped_total",
    help: "Day partitions past retention this process dropped (HUB_RETENTION_*), by table",
    labelNames: ["table"] as const,
    registers: [this.registry],
  });

  readonly deliveryDuration = new Histogram({
    name: "yunlian_delivery_attempt_duration_seconds",
    help: "Delivery attempt latency by receiving platform",
    labelNames: ["platform"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    const self = this;
    // What every Node service exposes: process CPU and memory, heap, event-loop lag, GC pauses.
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: "yunlian_deliveries",
      // Read from the shared database/queue: every HTTP process reports the same figure.
      aggregator: "first",
      help: "Deliveries in the outbox by status (all processes: read from the database, at most once per 10 s)",
      labelNames: ["status"] as const,
      registers: [this.registry],
      async collect() {
        const counts = (await self.sources?.backlog())?.byStatus ?? {};
        for (const status of DELIVERY_STATUSES) this.set({ status }, counts[status] ?? 0);
      },
    });
    new Gauge({
      name: "yunlian_delivery_oldest_pending_age_seconds",
      // Read from the shared database/queue: every HTTP process reports the same figure.
      aggregator: "first",
      help: "Age of the oldest delivery not yet settled (pending or failed)",
      registers: [this.registry],
      async collect() {
        this.set((await self.sources?.backlog())?.oldestPendingAgeSeconds ?? 0);
      },
    });
    new Gauge({
      name: "yunlian_delivery_queue_depth",
      // Read from the shared database/queue: every HTTP process reports the same figure.
      aggregator: "first",
      help: "Jobs waiting, delayed or active in the BullMQ delivery queue (absent in embedded mode)",
      registers: [this.registry],
      async collect() {
        const depth = await self.sources?.queueDepth();
        if (depth !== undefined) this.set(depth);
      },
    });
    new Gauge({
      name: "yunlian_delivery_breaker_state",
      // Only the process that runs delivery has breakers; the others report none.
      aggregator: "max",
      help: "Circuit breaker of each receiving platform's endpoint in this process (platforms sharing an endpoint share its breaker): 0 closed, 1 half-open, 2 open",
      labelNames: ["platform"] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const code: Record<string, number> = { closed: 0, "half-open": 1, open: 2 };
        for (const b of self.sources?.breakers() ?? []) this.set({ platform: b.platId }, code[b.state] ?? 0);
      },
    });
  }

  /** What the delivery loop reports each attempt and hand-off to (startQueueDelivery's observer). */
  readonly deliveryObserver: DeliveryObserver = {
    attempt: (info) => {
      this.deliveryAttempts.inc({ platform: info.platId, outcome: info.outcome });
      if (info.durationMs !== undefined)
        this.deliveryDuration.observe({ platform: info.platId }, info.durationMs / 1000);
    },
    handoff: (info) => {
      this.deliveryHandoffs.inc({ outcome: info.queued ? "queued" : "failed" }, info.deliveries);
    },
  };

  attachSources(sources: MetricsSources): void {
    this.sources = sources;
  }
}
