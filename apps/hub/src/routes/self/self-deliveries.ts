import { InvalidCursorError, listDeliveries } from "@yunlian/delivery";
import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { invalid } from "../../lib/hub-error.ts";
import { selfCaller } from "../../security/admin-gate.ts";
import { deliveryListQuery, deliveryView } from "../../services/reports/delivery-queries.ts";
import { queryInput } from "../admin/query-input.ts";

/** The self-service list takes the operator's query minus platId: always the caller's own. */
const selfDeliveryQuery = deliveryListQuery.omit({ platId: true });

/** GET /admin/v1/self/deliveries: the status reports the hub delivered (or tries to) to the caller. */
export function registerSelfDeliveryRoutes(app: Hono<HubEnv>) {
  app.get("/admin/v1/self/deliveries", async (c) => {
    const { platform } = selfCaller(c);
    const q = queryInput(c, selfDeliveryQuery);
    try {
      const page = await listDeliveries({
        db: c.get("services").db,
        ...q,
        udeviceId: q.device,
        platId: platform.platId,
      });
      return c.json({ deliveries: page.deliveries.map(deliveryView), nextCursor: page.nextCursor });
    } catch (err) {
      if (err instanceof InvalidCursorError) throw invalid(err.message);
      throw err;
    }
  });
}
