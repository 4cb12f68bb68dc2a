import { deliveries } from "@yunlian/db";
import { inArray, min, sql } from "drizzle-orm";
import type { HubServices } from "../services/hub-services.ts";
import type { MetricsSources } from "./metrics.ts";

/** Where /metrics reads the delivery backlog, queue depth and breaker states from. */
export function metricsSources(services: HubServices): MetricsSources {
  return {
    async deliveriesByStatus() {
      const rows = await services.db
        .select({ status: deliveries.status, n: sql<number>`count(*)::int` })
        .from(deliveries)
        .groupBy(deliveries.status);
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
    async oldestPendingAgeSeconds() {
      const [row] = await services.db
        .select({ oldest: min(deliveries.createdAt) })
        .from(deliveries)
        .where(inArray(deliveries.status, ["pending", "failed"]));
      const oldest = row?.oldest ? new Date(row.oldest) : undefined;
      return oldest ? Math.max(0, (services.now().getTime() - oldest.getTime()) / 1000) : 0;
    },
    queueDepth: () => services.delivery.queueDepth(),
    breakers: () => services.delivery.breakers(),
  };
}
