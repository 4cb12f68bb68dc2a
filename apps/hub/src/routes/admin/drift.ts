import type { Database } from "@yunlian/db";
import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { driftView } from "../../services/reconcile/drift-query.ts";

/** GET /admin/v1/drift: per vendor, what reconciliation polled and found; bindings the vendor dropped. */
export function registerDriftAdminRoutes(app: Hono<HubEnv>, ctx: { db: Database }) {
  app.get("/admin/v1/drift", async (c) => c.json(await driftView(ctx.db)));
}
