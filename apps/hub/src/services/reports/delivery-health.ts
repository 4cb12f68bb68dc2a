import { type Database, deliveries, deliveryIsOpen } from "@yunlian/db";
import { endpointKey } from "@yunlian/delivery";
import { count, inArray, min } from "drizzle-orm";
import { deliveryStats } from "./delivery-stats.ts";

/** What the console shows of one receiving platform's deliveries (issue 18). */
export interface PlatformHealth {
  /** Attempts that succeeded over the last 24 h, 0–1; null without attempts. */
  successRate: number | null;
  attempts24h: number;
  pending: number;
  failed: number;
  dead: number;
  /** createdAt of its oldest open (pending or failed) delivery. */
  oldestOpenAt: Date | null;
  /**
   * open / half-open / closed as a delivery worker in this process holds it; else derived from
   * the attempts: open when the latest `threshold` all failed, failing when the latest failed.
   */
  breaker: "open" | "half-open" | "failing" | "closed";
  consecutiveFailures: number;
}

export interface HealthCtx {
  db: Database;
  /** Breakers of a delivery worker running in this process, by endpoint (empty otherwise). */
  breakers?: () => readonly { endpoint: string; state: string }[];
}

/** Every receiving platform's delivery health, keyed by platId (platforms with no delivery are absent). */
export async function deliveryHealth(
  ctx: HealthCtx,
  platforms: readonly { platId: string; dataGatewayUrl: string | null }[],
  now: Date,
  threshold: number,
): Promise<Map<string, PlatformHealth>> {
  const [stats, byStatus, oldest] = await Promise.all([
    deliveryStats(ctx.db, now, 24),
    ctx.db
      .select({ platId: deliveries.platId, status: deliveries.status, n: count() })
      .from(deliveries)
      // Delivered rows, the vast majority, are not counted: the success rate says how those go.
      .where(inArray(deliveries.status, ["pending", "failed", "dead"]))
      .groupBy(deliveries.platId, deliveries.status),
    ctx.db
      .select({ platId: deliveries.platId, at: min(deliveries.createdAt) })
      .from(deliveries)
      .where(deliveryIsOpen)
      .groupBy(deliveries.platId),
  ]);
  const live = new Map((ctx.breakers?.() ?? []).map((b) => [b.endpoint, b.state]));
  const out = new Map<string, PlatformHealth>();
  const entry = (platId: string): PlatformHealth => {
    let h = out.get(platId);
    if (!h) {
      h = {
        successRate: null,
        attempts24h: 0,
        pending: 0,
        failed: 0,
        dead: 0,
        oldestOpenAt: null,
        breaker: "closed",
        consecutiveFailures: 0,
      };
      out.set(platId, h);
    }
    return h;
  };
  for (const row of byStatus) {
    const h = entry(row.platId);
    if (row.status === "pending" || row.status === "failed" || row.status === "dead") h[row.status] = row.n;
  }
  for (const row of oldest) if (row.at) entry(row.platId).oldestOpenAt = row.at;
  for (const p of stats.platforms) {
    const h = entry(p.platId);
    h.successRate = p.successRate;
    h.attempts24h = p.attempts;
    h.consecutiveFailures = p.consecutiveFailures;
    h.breaker =
      p.consecutiveFailures >= threshold ? "open" : p.consecutiveFailures > 0 ? "failing" : "closed";
  }
  for (const p of platforms) {
    const state = p.dataGatewayUrl ? live.get(safeEndpoint(p.dataGatewayUrl)) : undefined;
    if (state === "open" || state === "half-open") entry(p.platId).breaker = state;
  }
  return out;
}

function safeEndpoint(url: string): string {
  try {
    return endpointKey(url);
  } catch {
    return url;
  }
}

/** "3 min", "2 h 5 min", "4 days": how long something has waited. */
export function age(since: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}
