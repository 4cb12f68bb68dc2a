import {
  getDelivery,
  InvalidCursorError,
  listDeliveries,
  replayDeliveries,
  replayDelivery,
} from "@yunlian/delivery";
import { RetCode } from "@yunlian/protocol";
import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { HubError, invalid, notFound } from "../../lib/hub-error.ts";
import { audit } from "../../services/audit/audit.ts";
import { bulkReplayInput, deliveryListQuery, deliveryView } from "../../services/reports/delivery-queries.ts";
import { jsonInput } from "./json-input.ts";
import { queryInput } from "./query-input.ts";

/** Status-report deliveries (DESIGN.md §7): list, one with its attempts, replay one, replay in bulk. */
export function registerDeliveryRoutes(app: Hono<HubEnv>) {
  app.get("/admin/v1/deliveries", async (c) => {
    const q = queryInput(c, deliveryListQuery);
    try {
      const page = await listDeliveries({ db: c.get("services").db, ...q, udeviceId: q.device });
      return c.json({ deliveries: page.deliveries.map(deliveryView), nextCursor: page.nextCursor });
    } catch (err) {
      if (err instanceof InvalidCursorError) throw invalid(err.message);
      throw err;
    }
  });

  app.get("/admin/v1/deliveries/:id", async (c) => {
    const found = await getDelivery({ db: c.get("services").db, id: c.req.param("id") });
    if (!found) throw notFound(`delivery ${c.req.param("id")} not found`);
    return c.json({
      ...deliveryView(found.delivery),
      attempts: found.attempts.map((a) => ({
        attempt: a.attempt,
        startedAt: a.startedAt.toISOString(),
        durationMs: a.durationMs,
        httpStatus: a.httpStatus,
        retCode: a.retCode,
        error: a.error,
      })),
    });
  });

  app.post("/admin/v1/deliveries/replay", async (c) => {
    const services = c.get("services");
    const input = await jsonInput(c, bulkReplayInput);
    if (!services.registry.get(input.platId)) throw notFound(`platform ${input.platId} not found`);
    const replayed = await replayDeliveries({ db: services.db, ...input, notifier: services.database });
    services.delivery.kick();
    await audit(services, {
      actor: "operator",
      action: "deliveries.replay",
      target: input.platId,
      outcome: "ok",
      detail: { since: input.since.toISOString(), replayed },
    });
    return c.json({ replayed }, 202);
  });

  app.post("/admin/v1/deliveries/:id/replay", async (c) => {
    const services = c.get("services");
    const id = c.req.param("id");
    const result = await replayDelivery({ db: services.db, id, notifier: services.database });
    if (!result.ok && result.reason === "not-found") throw notFound(`delivery ${id} not found`);
    if (!result.ok) {
      throw new HubError(
        RetCode.CONFLICT,
        `delivery ${id} is ${result.status}: only failed or dead deliveries are replayed`,
      );
    }
    services.delivery.kick();
    await audit(services, { actor: "operator", action: "delivery.replay", target: id, outcome: "ok" });
    return c.json({ id, status: "pending" }, 202);
  });
}
