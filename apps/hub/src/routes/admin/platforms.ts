import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { notFound } from "../../lib/hub-error.ts";
import { operatorOf } from "../../security/admin-gate.ts";
import {
  deletePlatform,
  registerPlatform,
  rotateSecret,
  updatePlatform,
} from "../../services/platforms/manage-platforms.ts";
import {
  promotePlatformInput,
  registerPlatformInput,
  rotateSecretInput,
  updatePlatformInput,
} from "../../services/platforms/platform-input.ts";
import { platformView } from "../../services/platforms/platform-view.ts";
import { type PromoteCtx, promotePlatform } from "../../services/platforms/promote-platform.ts";
import { jsonInput, jsonInputOrEmpty } from "./json-input.ts";

/** The platform registry of docs/design.md §7 (operator only; the admin gate sits in front). */
export function registerPlatformRoutes(app: Hono<HubEnv>, ctx: PromoteCtx) {
  app.post("/admin/v1/platforms", async (c) => {
    const { record, appSecret, webhookSecret } = await registerPlatform(
      ctx,
      jsonInput(c, registerPlatformInput),
      operatorOf(c),
    );
    return c.json({ ...platformView(record, ctx.publicUrl), appSecret, webhookSecret }, 201);
  });

  app.get("/admin/v1/platforms", (c) => {
    const list = ctx.registry
      .all()
      .sort((a, b) => a.platId.localeCompare(b.platId))
      .map((p) => platformView(p, ctx.publicUrl));
    return c.json({ platforms: list });
  });

  app.get("/admin/v1/platforms/:platId", (c) => {
    const record = ctx.registry.get(c.req.param("platId"));
    if (!record) throw notFound(`platform ${c.req.param("platId")} not found`);
    return c.json(platformView(record, ctx.publicUrl));
  });

  app.patch("/admin/v1/platforms/:platId", async (c) => {
    const input = jsonInput(c, updatePlatformInput);
    return c.json(
      platformView(await updatePlatform(ctx, c.req.param("platId"), input, operatorOf(c)), ctx.publicUrl),
    );
  });

  app.delete("/admin/v1/platforms/:platId", async (c) => {
    await deletePlatform(ctx, c.req.param("platId"), operatorOf(c));
    return c.body(null, 204);
  });

  app.post("/admin/v1/platforms/:platId/secret", async (c) => {
    const { graceSeconds } = jsonInputOrEmpty(c, rotateSecretInput);
    const graceMs = graceSeconds === undefined ? undefined : graceSeconds * 1000;
    return c.json(await rotateSecret(ctx, c.req.param("platId"), operatorOf(c), { graceMs }));
  });

  // Sandbox → production (docs/design.md §7 "Sandbox"): certified, or forced; fresh secrets, shown once.
  app.post("/admin/v1/platforms/:platId/promote", async (c) => {
    const { force } = jsonInputOrEmpty(c, promotePlatformInput);
    return c.json(await promotePlatform(ctx, c.req.param("platId"), operatorOf(c), { force }));
  });
}
