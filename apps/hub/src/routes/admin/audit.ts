import type { Database } from "@yunlian/db";
import type { Hono } from "hono";
import { z } from "zod";
import type { HubEnv } from "../../lib/hono-env.ts";
import { readAudit } from "../../services/audit/audit-query.ts";
import { queryInput } from "./query-input.ts";

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** Cursor: the id of the last entry of the previous page (ids grow with time: bigserial). */
const cursor = z
  .string()
  .regex(/^c\d{1,18}$/, { error: "not a cursor returned by this API" })
  .transform((s) => Number(s.slice(1)));

const auditQuery = z.strictObject({
  actor: z.string().min(1).max(200).optional(),
  /** Exact, or a prefix ending in `*` (`auth.*`, `platform.*`). */
  action: z.string().min(1).max(200).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: cursor.optional(),
});

/** GET /admin/v1/audit: who did what when, newest first (operator only). */
export function registerAuditRoutes(app: Hono<HubEnv>, ctx: { db: Database }) {
  app.get("/admin/v1/audit", async (c) => {
    const { cursor, limit, ...filter } = queryInput(c, auditQuery);
    const rows = await readAudit(ctx, { ...filter, before: cursor, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json({
      entries: page.map((e) => ({
        id: e.id,
        at: e.at.toISOString(),
        actor: e.actor,
        action: e.action,
        target: e.target,
        outcome: e.outcome,
        detail: e.detail,
      })),
      nextCursor: rows.length > limit && last ? `c${last.id}` : null,
    });
  });
}
