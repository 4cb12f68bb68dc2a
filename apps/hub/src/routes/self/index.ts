import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { registerSelfDeliveryRoutes } from "./self-deliveries.ts";
import { registerSelfModelRoutes } from "./self-models.ts";
import { registerSelfPlatformRoutes } from "./self-platform.ts";

/** Platform self-service (/admin/v1/self/…); the admin gate authenticates the caller first. */
export function registerSelfRoutes(app: Hono<HubEnv>) {
  registerSelfPlatformRoutes(app);
  registerSelfDeliveryRoutes(app);
  registerSelfModelRoutes(app);
}
