import { type Database, deliveries } from "@yunlian/db";
import { inArray, min, sql } from "drizzle-orm";
import type { DeliveryRunner } from "../services/reports/delivery-runner.ts";
import type { MetricsSources } from "./metrics.ts";

/** Where /metrics reads the delivery backlog, queue depth and breaker states from. */
export function metricsSources(ctx: {
  db: Database;
  now(): Date;
  delivery: Pick<DeliveryRunner, "queueDepth" | "breakers">;
}): MetricsSources {
  return {
    async deliveriesByStatus() {
      const rows = await ctx.db
        .select({ status: deliveries.status, n: sql<number>`count(*)::int` })
        .from(deliveries)
        .groupBy(deliveries.status);
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
    async oldestPendingAgeSeconds() {
      const [row] = await ctx.db
        .select({ oldest: min(deliveries.createdAt) })
        .from(deliveries)
        .where(inArray(deliveries.status, ["pending", "failed"]));
      const oldest = row?.oldest ? new Date(row.oldest) : undefined;
      return oldest ? Math.max(0, (ctx.now().getTime() - oldest.getTime()) / 1000) : 0;
    },
    queueDepth: () => ctx.delivery.queueDepth(),
    breakers: () => ctx.delivery.breakers(),
  };
}
