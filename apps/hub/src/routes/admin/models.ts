import type { Hono } from "hono";
import { z } from "zod";
import type { HubEnv } from "../../lib/hono-env.ts";
import { invalid, notFound } from "../../lib/hub-error.ts";
import { audit } from "../../services/audit/audit.ts";
import { BUILTIN_MODELS } from "../../services/models/builtin-models.ts";
import { modelInput } from "../../services/models/model-input.ts";
import { modelVersions, publishModel } from "../../services/models/model-store.ts";
import { jsonInput } from "./json-input.ts";

const publishBody = modelInput.and(z.object({ ownerPlatId: z.string().min(1).max(64) }));

/**
 * Device model registry (operator): the newest model of every vendor and the hub's own, the
 * versions of one, and publishing a new version on a vendor's behalf (vendors publish their
 * own through self-service).
 */
export function registerModelRoutes(app: Hono<HubEnv>) {
  app.get("/admin/v1/models", (c) => c.json({ models: c.get("services").models.all() }));

  app.get("/admin/v1/models/:owner/:deviceType", async (c) => {
    const { owner, deviceType } = c.req.param();
    const services = c.get("services");
    const versions =
      owner === "hub"
        ? BUILTIN_MODELS.filter((m) => m.deviceType === deviceType)
        : await modelVersions(services.db, owner, deviceType);
    if (versions.length === 0) throw notFound(`no model ${deviceType} published by ${owner}`);
    return c.json({ versions });
  });

  app.post("/admin/v1/models", async (c) => {
    const services = c.get("services");
    const { ownerPlatId, ...input } = await jsonInput(c, publishBody);
    const owner = services.registry.get(ownerPlatId);
    if (!owner) throw notFound(`platform ${ownerPlatId} not found`);
    if (owner.manufacturerCodes.length === 0)
      throw invalid(`ownerPlatId: platform ${ownerPlatId} makes no devices`);
    const model = await publishModel(services.db, services.database, services.models, ownerPlatId, input);
    await audit(services, {
      actor: "operator",
      action: "model.publish",
      target: `${ownerPlatId}/${model.deviceType}`,
      outcome: "ok",
      detail: { version: model.version },
    });
    return c.json(model, 201);
  });
}
