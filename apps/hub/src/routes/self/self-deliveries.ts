import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { selfCaller } from "../../security/admin-gate.ts";
import { deliveryListQuery } from "../../services/reports/delivery-queries.ts";
import { type DeliveriesCtx, listDeliveryViews } from "../../services/reports/manage-deliveries.ts";
import { queryInput } from "../admin/query-input.ts";

/** The self-service list takes the operator's query minus platId: always the caller's own. */
const selfDeliveryQuery = deliveryListQuery.omit({ platId: true });

/** GET /admin/v1/self/deliveries: the status reports the hub delivered (or tries to) to the caller. */
export function registerSelfDeliveryRoutes(app: Hono<HubEnv>, ctx: Pick<DeliveriesCtx, "db">) {
  app.get("/admin/v1/self/deliveries", async (c) => {
    const { platform } = selfCaller(c);
    const q = queryInput(c, selfDeliveryQuery);
    return c.json(await listDeliveryViews(ctx, { ...q, platId: platform.platId }));
  });
}
