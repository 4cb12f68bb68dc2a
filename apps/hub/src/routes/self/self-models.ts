import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { selfCaller } from "../../security/admin-gate.ts";
import { modelInput } from "../../services/models/model-input.ts";
import { type ModelsCtx, publishModel } from "../../services/models/publish-model.ts";
import { jsonInput } from "../admin/json-input.ts";

/**
 * A vendor publishes and versions its own device models: each POST is the next version for that
 * deviceType, and devices/op commands for the vendor's devices are checked against the newest one.
 */
export function registerSelfModelRoutes(app: Hono<HubEnv>, ctx: ModelsCtx) {
  app.get("/admin/v1/self/models", (c) => {
    const { platform } = selfCaller(c);
    return c.json({ models: ctx.models.all().filter((m) => m.ownerPlatId === platform.platId) });
  });

  app.post("/admin/v1/self/models", async (c) => {
    const { platform, actor } = selfCaller(c);
    const input = jsonInput(c, modelInput);
    return c.json(await publishModel(ctx, platform.platId, input, { actor, viaSelf: true }), 201);
  });
}
