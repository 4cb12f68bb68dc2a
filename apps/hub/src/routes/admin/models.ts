import type { Hono } from "hono";
import { z } from "zod";
import type { HubEnv } from "../../lib/hono-env.ts";
import { notFound } from "../../lib/hub-error.ts";
import { operatorOf } from "../../security/admin-gate.ts";
import { BUILTIN_MODELS } from "../../services/models/builtin-models.ts";
import { modelInput } from "../../services/models/model-input.ts";
import { modelVersions } from "../../services/models/model-store.ts";
import { type ModelsCtx, publishModel } from "../../services/models/publish-model.ts";
import { jsonInput } from "./json-input.ts";

const publishBody = modelInput.and(z.object({ ownerPlatId: z.string().min(1).max(64) }));

/**
 * Device model registry (operator): the newest model of every vendor and the hub's own, the
 * versions of one, and publishing a new version on a vendor's behalf (vendors publish their
 * own through self-service).
 */
export function registerModelRoutes(app: Hono<HubEnv>, ctx: ModelsCtx) {
  app.get("/admin/v1/models", (c) => c.json({ models: ctx.models.all() }));

  app.get("/admin/v1/models/:owner/:deviceType", async (c) => {
    const { owner, deviceType } = c.req.param();
    const versions =
      owner === "hub"
        ? BUILTIN_MODELS.filter((m) => m.deviceType === deviceType)
        : await modelVersions(ctx.db, owner, deviceType);
    if (versions.length === 0) throw notFound(`no model ${deviceType} published by ${owner}`);
    return c.json({ versions });
  });

  app.post("/admin/v1/models", async (c) => {
    const { ownerPlatId, ...input } = jsonInput(c, publishBody);
    return c.json(await publishModel(ctx, ownerPlatId, input, operatorOf(c)), 201);
  });
}
