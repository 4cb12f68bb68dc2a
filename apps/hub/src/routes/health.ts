import type { Hono } from "hono";
import type { HubEnv } from "../lib/hono-env.ts";

/** GET /health → 200 {"status":"ok"} while the database answers (DESIGN.md §7). */
export function registerHealth(app: Hono<HubEnv>) {
  app.get("/health", async (c) => {
    try {
      await c.get("services").database.ping();
      return c.json({ status: "ok" });
    } catch {
      return c.json({ status: "unavailable", reason: "database unreachable" }, 503);
    }
  });
}
