import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { notFound } from "../../lib/hub-error.ts";
import { audit } from "../../services/audit/audit.ts";
import {
  deletePlatform,
  registerPlatform,
  rotateSecret,
  updatePlatform,
} from "../../services/platforms/manage-platforms.ts";
import { registerPlatformInput, updatePlatformInput } from "../../services/platforms/platform-input.ts";
import { platformView } from "../../services/platforms/platform-view.ts";
import { jsonInput } from "./json-input.ts";

/** The platform registry of DESIGN.md §7 (operator only; the auth middleware sits in front). */
export function registerPlatformRoutes(app: Hono<HubEnv>) {
  app.post("/admin/v1/platforms", async (c) => {
    const services = c.get("services");
    const input = await jsonInput(c, registerPlatformInput);
    const { record, appSecret } = await registerPlatform(services, input);
    await audit(services, {
      actor: "operator",
      action: "platform.register",
      target: record.platId,
      outcome: "ok",
      detail: { manufacturerCodes: record.manufacturerCodes, securityMode: record.securityMode },
    });
    return c.json({ ...platformView(record), appSecret }, 201);
  });

  app.get("/admin/v1/platforms", (c) => {
    const list = c
      .get("services")
      .registry.all()
      .sort((a, b) => a.platId.localeCompare(b.platId))
      .map(platformView);
    return c.json({ platforms: list });
  });

  app.get("/admin/v1/platforms/:platId", (c) => {
    const record = c.get("services").registry.get(c.req.param("platId"));
    if (!record) throw notFound(`platform ${c.req.param("platId")} not found`);
    return c.json(platformView(record));
  });

  app.patch("/admin/v1/platforms/:platId", async (c) => {
    const services = c.get("services");
    const input = await jsonInput(c, updatePlatformInput);
    const record = await updatePlatform(services, c.req.param("platId"), input);
    await audit(services, {
      actor: "operator",
      action: "platform.update",
      target: record.platId,
      outcome: "ok",
      detail: { fields: Object.keys(input) },
    });
    return c.json(platformView(record));
  });

  app.delete("/admin/v1/platforms/:platId", async (c) => {
    const services = c.get("services");
    await deletePlatform(services, c.req.param("platId"));
    await audit(services, {
      actor: "operator",
      action: "platform.delete",
      target: c.req.param("platId"),
      outcome: "ok",
    });
    return c.body(null, 204);
  });

  app.post("/admin/v1/platforms/:platId/secret", async (c) => {
    const services = c.get("services");
    const rotated = await rotateSecret(services, c.req.param("platId"));
    await audit(services, {
      actor: "operator",
      action: "platform.rotateSecret",
      target: c.req.param("platId"),
      outcome: "ok",
    });
    return c.json(rotated);
  });
}
