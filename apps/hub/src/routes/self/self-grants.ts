import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { selfCaller } from "../../security/admin-gate.ts";
import { selfGrantFilter, selfGrantInput } from "../../services/grants/grant-input.ts";
import { type GrantsCtx, grantDevice, listGrants, revokeGrant } from "../../services/grants/grants.ts";
import { jsonInput } from "../admin/json-input.ts";
import { queryInput } from "../admin/query-input.ts";

/**
 * A platform shares the devices its users bound with another platform's users (standard 7.2.1's
 * trust rule, docs/design.md §4): it grants, lists the grants it made or received, and revokes
 * its own grants.
 */
export function registerSelfGrantRoutes(app: Hono<HubEnv>, ctx: GrantsCtx) {
  app.post("/admin/v1/self/grants", async (c) => {
    const { platform, actor } = selfCaller(c);
    const input = jsonInput(c, selfGrantInput);
    const { grant, created } = await grantDevice(
      ctx,
      { ...input, grantorPlatId: platform.platId },
      { actor, viaSelf: true },
    );
    return c.json(grant, created ? 201 : 200);
  });

  app.get("/admin/v1/self/grants", async (c) => {
    const { platform } = selfCaller(c);
    const { deviceId } = queryInput(c, selfGrantFilter);
    return c.json({ grants: await listGrants(ctx, { involving: platform.platId, deviceId }) });
  });

  app.delete("/admin/v1/self/grants/:deviceId/:granteePlatId", async (c) => {
    const { platform, actor } = selfCaller(c);
    const { deviceId, granteePlatId } = c.req.param();
    return c.json(
      await revokeGrant(
        ctx,
        { deviceId, granteePlatId, grantorPlatId: platform.platId },
        { actor, viaSelf: true },
      ),
    );
  });
}
