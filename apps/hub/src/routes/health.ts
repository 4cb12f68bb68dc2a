import type { DatabaseHandle } from "@yunlian/db";
import type { Hono } from "hono";
import type { HubEnv } from "../lib/hono-env.ts";

/** GET /health → 200 {"status":"ok"} while the database answers (docs/design.md §7). */
export function registerHealth(app: Hono<HubEnv>, database: Pick<DatabaseHandle, "ping">) {
  app.get("/health", async (c) => {
    try {
      await database.ping();
      return c.json({ status: "ok" });
    } catch {
      return c.json({ status: "unavailable", reason: "database unreachable" }, 503);
    }
  });
}
