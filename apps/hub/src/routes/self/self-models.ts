import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { invalid } from "../../lib/hub-error.ts";
import { selfCaller } from "../../security/admin-gate.ts";
import { audit } from "../../services/audit/audit.ts";
import { modelInput } from "../../services/models/model-input.ts";
import { publishModel } from "../../services/models/model-store.ts";
import { jsonInput } from "../admin/json-input.ts";

/**
 * A vendor publishes and versions its own device models (standard 6.5.2.2 asks vendors to
 * publish their extended attributes): each POST is the next version for that deviceType, and
 * devices/op commands for the vendor's devices are checked against the newest one.
 */
export function registerSelfModelRoutes(app: Hono<HubEnv>) {
  app.get("/admin/v1/self/models", (c) => {
    const { platform } = selfCaller(c);
    return c.json({
      models: c
        .get("services")
        .models.all()
        .filter((m) => m.ownerPlatId === platform.platId),
    });
  });

  app.post("/admin/v1/self/models", async (c) => {
    const services = c.get("services");
    const { platform, actor } = selfCaller(c);
    if (platform.manufacturerCodes.length === 0) {
      throw invalid(
        `platform ${platform.platId} owns no manufacturer code: only device vendors publish models`,
      );
    }
    const input = await jsonInput(c, modelInput);
    const model = await publishModel(services.db, services.database, services.models, platform.platId, input);
    await audit(services, {
      actor,
      action: "self.model.publish",
      target: `${platform.platId}/${model.deviceType}`,
      outcome: "ok",
      detail: { version: model.version },
    });
    return c.json(model, 201);
  });
}
