import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { operatorOf } from "../../security/admin-gate.ts";
import { grantFilter, operatorGrantInput } from "../../services/grants/grant-input.ts";
import { type GrantsCtx, grantDevice, listGrants, revokeGrant } from "../../services/grants/grants.ts";
import { jsonInput } from "./json-input.ts";
import { queryInput } from "./query-input.ts";

/**
 * Sharing grants, by the operator (docs/operations.md): on behalf of the platform that holds the
 * device (`grantorPlatId`), under the same rules as the platform's own self-service.
 */
export function registerGrantRoutes(app: Hono<HubEnv>, ctx: GrantsCtx) {
  app.post("/admin/v1/grants", async (c) => {
    const { grant, created } = await grantDevice(ctx, jsonInput(c, operatorGrantInput), operatorOf(c));
    return c.json(grant, created ? 201 : 200);
  });

  app.get("/admin/v1/grants", async (c) => {
    const filter = queryInput(c, grantFilter);
    return c.json({ grants: await listGrants(ctx, filter) });
  });

  app.delete("/admin/v1/grants/:deviceId/:granteePlatId", async (c) => {
    const { deviceId, granteePlatId } = c.req.param();
    return c.json(await revokeGrant(ctx, { deviceId, granteePlatId }, operatorOf(c)));
  });
}
