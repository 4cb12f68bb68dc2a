import { auditLog } from "@yunlian/db";
import { and, desc, eq, gte, like, lt, type SQL } from "drizzle-orm";
import type { Hono } from "hono";
import { z } from "zod";
import type { HubEnv } from "../../lib/hono-env.ts";
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

/** `%`, `_` and `\` are LIKE wildcards: escape them so a prefix means just itself. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** GET /admin/v1/audit: who did what when, newest first (operator only). */
export function registerAuditRoutes(app: Hono<HubEnv>) {
  app.get("/admin/v1/audit", async (c) => {
    const q = queryInput(c, auditQuery);
    const where: (SQL | undefined)[] = [
      q.actor === undefined ? undefined : eq(auditLog.actor, q.actor),
      q.action === undefined
        ? undefined
        : q.action.endsWith("*")
          ? like(auditLog.action, `${escapeLike(q.action.slice(0, -1))}%`)
          : eq(auditLog.action, q.action),
      q.from === undefined ? undefined : gte(auditLog.at, q.from),
      q.to === undefined ? undefined : lt(auditLog.at, q.to),
      q.cursor === undefined ? undefined : lt(auditLog.id, q.cursor),
    ];
    const rows = await c
      .get("services")
      .db.select()
      .from(auditLog)
      .where(and(...where))
      .orderBy(desc(auditLog.id))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit);
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
      nextCursor: rows.length > q.limit && last ? `c${last.id}` : null,
    });
  });
}
