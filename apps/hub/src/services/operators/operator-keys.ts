import { type Database, type OperatorKey, type OperatorScope, operatorKeys } from "@yunlian/db";
import { randomToken, sha256Hex } from "@yunlian/secrets";
import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { conflict, invalid, notFound } from "../../lib/hub-error.ts";
import { BOOTSTRAP } from "../../security/operator-auth.ts";
import { type Actor, type AuditCtx, audit } from "../audit/audit.ts";

export type OperatorKeysCtx = AuditCtx & { db: Database; now(): Date };

const operatorKeyName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    error: "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
  })
  .refine((n) => n.toLowerCase() !== BOOTSTRAP, { error: `"${BOOTSTRAP}" names HUB_ADMIN_TOKEN` });

export const createOperatorKeyInput = z.strictObject({
  name: operatorKeyName,
  scope: z.enum(["read", "admin"]),
});

/** What the API, the console and hubctl show of a key (never its hash). */
export interface OperatorKeyView {
  id: string;
  name: string;
  scope: OperatorScope;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

const operatorKeyView = (k: OperatorKey): OperatorKeyView => ({
  id: k.id,
  name: k.name,
  scope: k.scope,
  createdBy: k.createdBy,
  createdAt: k.createdAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

/** A new operator key; its secret is in this answer only (the hub keeps its SHA-256). */
export async function createOperatorKey(
  ctx: OperatorKeysCtx,
  input: z.infer<typeof createOperatorKeyInput>,
  by: Actor,
): Promise<{ key: OperatorKeyView; secret: string }> {
  const secret = `yko_${randomToken(32)}`;
  const [row] = await ctx.db
    .insert(operatorKeys)
    .values({
      id: `opk_${randomToken(16)}`,
      name: input.name,
      scope: input.scope,
      tokenHash: sha256Hex(secret),
      createdBy: by.actor,
    })
    .onConflictDoNothing()
    .returning();
  if (!row)
    throw conflict(`an operator key named ${input.name} exists: revoke it first or pick another name`);
  await audit(ctx, {
    actor: by.actor,
    action: "operator-key.create",
    target: input.name,
    outcome: "ok",
    detail: { id: row.id, scope: input.scope },
  });
  return { key: operatorKeyView(row), secret };
}

/** Every key, active first, then revoked ones (kept: the audit log names them). */
export async function listOperatorKeys(ctx: Pick<OperatorKeysCtx, "db">): Promise<OperatorKeyView[]> {
  const rows = await ctx.db.select().from(operatorKeys).orderBy(asc(operatorKeys.name));
  return rows
    .sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null))
    .map(operatorKeyView);
}

/**
 * Revokes the active key of that name (or that id): it stops working at once on every hub
 * instance, and console sessions opened with it end.
 */
export async function revokeOperatorKey(
  ctx: OperatorKeysCtx,
  nameOrId: string,
  by: Actor,
): Promise<OperatorKeyView> {
  if (nameOrId === "" || nameOrId.length > 64) throw invalid("name an operator key");
  const column = nameOrId.startsWith("opk_") ? operatorKeys.id : operatorKeys.name;
  const [row] = await ctx.db
    .update(operatorKeys)
    .set({ revokedAt: ctx.now() })
    .where(and(eq(column, nameOrId), isNull(operatorKeys.revokedAt)))
    .returning();
  if (!row) throw notFound(`no active operator key ${nameOrId}`);
  await audit(ctx, {
    actor: by.actor,
    action: "operator-key.revoke",
    target: row.name,
    outcome: "ok",
    detail: { id: row.id },
  });
  return operatorKeyView(row);
}
