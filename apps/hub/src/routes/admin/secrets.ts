import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { operatorOf } from "../../security/admin-gate.ts";
import { type RewrapCtx, rewrapSecrets } from "../../services/secrets/rewrap-secrets.ts";

/**
 * POST /admin/v1/secrets/rewrap (`hubctl secrets rewrap`): the hub re-encrypts, because it holds
 * the keys and knows every sealed value's place; the CLI needs no database access nor any key.
 */
export function registerSecretRoutes(app: Hono<HubEnv>, ctx: RewrapCtx) {
  app.post("/admin/v1/secrets/rewrap", async (c) => c.json(await rewrapSecrets(ctx, operatorOf(c))));
}
