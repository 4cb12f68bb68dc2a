import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { operatorOf } from "../../security/admin-gate.ts";
import { bulkReplayInput, deliveryListQuery } from "../../services/reports/delivery-queries.ts";
import {
  type DeliveriesCtx,
  deliveryDetail,
  listDeliveryViews,
  replayOne,
  replaySince,
} from "../../services/reports/manage-deliveries.ts";
import { jsonInput } from "./json-input.ts";
import { queryInput } from "./query-input.ts";

/** Status-report deliveries (docs/design.md §7): list, one with its attempts, replay one, replay in bulk. */
export function registerDeliveryRoutes(app: Hono<HubEnv>, ctx: DeliveriesCtx) {
  app.get("/admin/v1/deliveries", async (c) =>
    c.json(await listDeliveryViews(ctx, queryInput(c, deliveryListQuery))),
  );

  app.get("/admin/v1/deliveries/:id", async (c) => c.json(await deliveryDetail(ctx, c.req.param("id"))));

  app.post("/admin/v1/deliveries/replay", async (c) =>
    c.json(await replaySince(ctx, jsonInput(c, bulkReplayInput), operatorOf(c)), 202),
  );

  app.post("/admin/v1/deliveries/:id/replay", async (c) =>
    c.json(await replayOne(ctx, c.req.param("id"), operatorOf(c)), 202),
  );
}
