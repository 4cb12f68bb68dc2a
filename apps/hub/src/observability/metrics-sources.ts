import { type Database, deliveries } from "@yunlian/db";
import { endpointKey } from "@yunlian/delivery";
import { count, min } from "drizzle-orm";
import type { PlatformRegistry } from "../registry/platform-registry.ts";
import type { DeliveryRunner } from "../services/reports/delivery-runner.ts";
import type { MetricsSources } from "./worker-metrics.ts";

/** How long one read of the delivery backlog serves scrapes: at most one query per 10 s. */
const BACKLOG_CACHE_MS = 10_000;

/** Where /metrics reads the delivery backlog, queue depth and breaker states from. */
export function metricsSources(ctx: {
  db: Database;
  now(): Date;
  delivery: Pick<DeliveryRunner, "queueDepth" | "breakers">;
  registry: Pick<PlatformRegistry, "all">;
}): MetricsSources {
  const backlog = cachedFor(
    BACKLOG_CACHE_MS,
    () => ctx.now().getTime(),
    () => readBacklog(ctx.db),
  );
  return {
    async backlog() {
      const b = await backlog();
      // The age grows between reads: computed at each scrape from the cached oldest timestamp.
      const oldest = b.oldestUnsettled;
      return {
        byStatus: b.byStatus,
        oldestPendingAgeSeconds: oldest ? Math.max(0, (ctx.now().getTime() - oldest.getTime()) / 1000) : 0,
      };
    },
    queueDepth: () => ctx.delivery.queueDepth(),
    breakers: () => breakersByPlatform(ctx.delivery.breakers(), ctx.registry.all()),
  };
}

interface StoredBacklog {
  byStatus: Record<string, number>;
  /** Creation time of the oldest delivery not yet settled (pending or failed). */
  oldestUnsettled?: Date;
}

/** One query: deliveries by status with each status's oldest row (the table is scanned once). */
async function readBacklog(db: Database): Promise<StoredBacklog> {
  const rows = await db
    .select({ status: deliveries.status, n: count(), oldest: min(deliveries.createdAt) })
    .from(deliveries)
    .groupBy(deliveries.status);
  const byStatus = new Map<string, number>();
  let oldestUnsettled: Date | undefined;
  for (const r of rows) {
    byStatus.set(r.status, Number(r.n));
    if ((r.status === "pending" || r.status === "failed") && r.oldest) {
      const at = new Date(r.oldest);
      if (!oldestUnsettled || at < oldestUnsettled) oldestUnsettled = at;
    }
  }
  return { byStatus: Object.fromEntries(byStatus), oldestUnsettled };
}

/**
 * `read` at most once per `ms`, however often it is asked: concurrent askers share the read in
 * flight, and a failed read is not kept (the next ask tries again).
 */
function cachedFor<T>(ms: number, now: () => number, read: () => Promise<T>): () => Promise<T> {
  let value: { at: number; promise: Promise<T> } | undefined;
  return () => {
    const t = now();
    if (value && t - value.at < ms) return value.promise;
    const promise = read();
    const entry = { at: t, promise };
    value = entry;
    promise.catch(() => {
      if (value === entry) value = undefined;
    });
    return promise;
  };
}

/**
 * Breakers are kept per receiving endpoint (origin + path of a dataGatewayUrl), which is a
 * partner's URL: /metrics labels them by the platforms that receive there instead, so no URL
 * appears in a label (issue 14). An endpoint no registered platform uses any more is left out.
 */
function breakersByPlatform(
  breakers: readonly { endpoint: string; state: string; inFlight: number }[],
  platforms: readonly { platId: string; dataGatewayUrl: string | null }[],
): { platId: string; state: string; inFlight: number }[] {
  if (breakers.length === 0) return [];
  const receivers = new Map<string, string[]>();
  for (const p of platforms) {
    if (!p.dataGatewayUrl) continue;
    let key: string;
    try {
      key = endpointKey(p.dataGatewayUrl);
    } catch {
      continue;
    }
    const list = receivers.get(key);
    if (list) list.push(p.platId);
    else receivers.set(key, [p.platId]);
  }
  return breakers.flatMap((b) =>
    (receivers.get(b.endpoint) ?? []).map((platId) => ({ platId, state: b.state, inFlight: b.inFlight })),
  );
}
