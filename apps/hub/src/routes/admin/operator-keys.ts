import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { operatorOf } from "../../security/admin-gate.ts";
import {
  createOperatorKey,
  createOperatorKeyInput,
  listOperatorKeys,
  type OperatorKeysCtx,
  revokeOperatorKey,
} from "../../services/operators/operator-keys.ts";
import { jsonInput } from "./json-input.ts";

/** Named operator keys (docs/security.md): the secret is in the creation answer only. */
export function registerOperatorKeyRoutes(app: Hono<HubEnv>, ctx: OperatorKeysCtx) {
  app.post("/admin/v1/operator-keys", async (c) => {
    const created = await createOperatorKey(ctx, jsonInput(c, createOperatorKeyInput), operatorOf(c));
    return c.json({ ...created.key, secret: created.secret }, 201);
  });

  app.get("/admin/v1/operator-keys", async (c) => c.json({ keys: await listOperatorKeys(ctx) }));

  app.delete("/admin/v1/operator-keys/:name", async (c) =>
    c.json(await revokeOperatorKey(ctx, c.req.param("name"), operatorOf(c))),
  );
}
