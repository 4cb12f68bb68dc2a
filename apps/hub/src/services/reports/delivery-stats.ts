import { type Database, deliveries, deliveryAttempts } from "@yunlian/db";
import { count, desc, eq, gte } from "drizzle-orm";

export interface Bucket {
  start: Date;
  ok: number;
  failed: number;
}

interface PlatformStats {
  platId: string;
  attempts: number;
  ok: number;
  /** 0–1, or null without attempts. */
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  buckets: Bucket[];
  /** Failed attempts since the platform's last success (newest first, within the window). */
  consecutiveFailures: number;
  lastError: string | null;
  lastFailureAt: Date | null;
}

export interface DeliveryStats {
  since: Date;
  bucketMs: number;
  statusCounts: Record<string, number>;
  platforms: PlatformStats[];
  /** True when the window held more attempts than were read (the numbers cover the newest). */
  truncated: boolean;
}

const MAX_ROWS = 100_000;

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? null;
}

/**
 * Success rate and latency per receiving platform over a window, from delivery_attempts (an
 * attempt succeeded when it recorded no error). Aggregated here rather than in SQL so the same
 * code runs on PGlite and PostgreSQL; the window is bounded by MAX_ROWS.
 */
export async function deliveryStats(db: Database, now: Date, hours: number): Promise<DeliveryStats> {
  const since = new Date(now.getTime() - hours * 3_600_000);
  const bucketMs = (hours <= 48 ? 1 : 6) * 3_600_000;
  const bucketCount = Math.ceil((hours * 3_600_000) / bucketMs);
  const [rows, statuses] = await Promise.all([
    db
      .select({
        platId: deliveries.platId,
        startedAt: deliveryAttempts.startedAt,
        durationMs: deliveryAttempts.durationMs,
        error: deliveryAttempts.error,
      })
      .from(deliveryAttempts)
      .innerJoin(deliveries, eq(deliveries.id, deliveryAttempts.deliveryId))
      .where(gte(deliveryAttempts.startedAt, since))
      .orderBy(desc(deliveryAttempts.startedAt), desc(deliveryAttempts.id))
      .limit(MAX_ROWS + 1),
    db.select({ status: deliveries.status, n: count() }).from(deliveries).groupBy(deliveries.status),
  ]);
  const byPlat = new Map<string, typeof rows>();
  for (const r of rows.slice(0, MAX_ROWS)) {
    const list = byPlat.get(r.platId);
    if (list) list.push(r);
    else byPlat.set(r.platId, [r]);
  }
  const platforms = [...byPlat].map(([platId, list]): PlatformStats => {
    const buckets: Bucket[] = Array.from({ length: bucketCount }, (_, i) => ({
      start: new Date(since.getTime() + i * bucketMs),
      ok: 0,
      failed: 0,
    }));
    let ok = 0;
    for (const r of list) {
      const bucket =
        buckets[Math.min(bucketCount - 1, Math.floor((r.startedAt.getTime() - since.getTime()) / bucketMs))];
      if (r.error === null) ok++;
      if (bucket) r.error === null ? bucket.ok++ : bucket.failed++;
    }
    const streak = list.findIndex((r) => r.error === null);
    const lastFailure = list.find((r) => r.error !== null);
    const durations = list.map((r) => r.durationMs).sort((a, b) => a - b);
    return {
      platId,
      attempts: list.length,
      ok,
      successRate: list.length ? ok / list.length : null,
      p50Ms: percentile(durations, 50),
      p95Ms: percentile(durations, 95),
      buckets,
      consecutiveFailures: streak === -1 ? list.length : streak,
      lastError: lastFailure?.error ?? null,
      lastFailureAt: lastFailure?.startedAt ?? null,
    };
  });
  platforms.sort((a, b) => a.platId.localeCompare(b.platId));
  return {
    since,
    bucketMs,
    statusCounts: Object.fromEntries(statuses.map((s) => [s.status, s.n])),
    platforms,
    truncated: rows.length > MAX_ROWS,
  };
}
