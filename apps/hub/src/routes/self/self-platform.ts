import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { invalid } from "../../lib/hub-error.ts";
import { selfCaller } from "../../security/admin-gate.ts";
import {
  type PlatformsCtx,
  rotateSecret,
  updatePlatform,
} from "../../services/platforms/manage-platforms.ts";
import { selfRotateSecretInput, selfUpdatePlatformInput } from "../../services/platforms/platform-input.ts";
import { platformView } from "../../services/platforms/platform-view.ts";
import { jsonInput, jsonInputOrEmpty } from "../admin/json-input.ts";

const OPERATOR_ONLY = ["platId", "name", "manufacturerCodes", "adapter", "adapterConfig", "appId"];

/** A clear 400 for the fields people try, instead of zod's generic "unrecognized key". */
function operatorOnlyFields(body: unknown): void {
  if (typeof body !== "object" || body === null) return;
  const fields = Object.keys(body).filter((k) => OPERATOR_ONLY.includes(k));
  const security = (body as { security?: unknown }).security;
  if (typeof security === "object" && security !== null && "mode" in security) fields.push("security.mode");
  if (fields[0]) throw invalid(`${fields[0]}: only the operator can change it`);
}

/** GET/PATCH /admin/v1/self and POST /admin/v1/self/secret: a platform's own registration. */
export function registerSelfPlatformRoutes(app: Hono<HubEnv>, ctx: PlatformsCtx) {
  app.get("/admin/v1/self", (c) => c.json(platformView(selfCaller(c).platform, ctx.publicUrl)));

  app.patch("/admin/v1/self", async (c) => {
    const { platform, actor } = selfCaller(c);
    const input = jsonInput(c, selfUpdatePlatformInput, operatorOnlyFields);
    return c.json(
      platformView(
        await updatePlatform(ctx, platform.platId, input, { actor, viaSelf: true }),
        ctx.publicUrl,
      ),
    );
  });

  app.post("/admin/v1/self/secret", async (c) => {
    const { platform, actor } = selfCaller(c);
    jsonInputOrEmpty(c, selfRotateSecretInput);
    return c.json(await rotateSecret(ctx, platform.platId, { actor, viaSelf: true }));
  });
}
