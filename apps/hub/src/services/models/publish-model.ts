import { type Database, type DatabaseHandle, deviceModels } from "@yunlian/db";
import { and, desc, eq } from "drizzle-orm";
import { invalid, notFound } from "../../lib/hub-error.ts";
import type { PlatformRegistry } from "../../registry/platform-registry.ts";
import { type Actor, type AuditCtx, audit } from "../audit/audit.ts";
import type { DeviceModelSpec } from "./builtin-models.ts";
import type { ModelInput } from "./model-input.ts";
import type { ModelRegistry } from "./model-registry.ts";
import { MODELS_CHANNEL, spec } from "./model-store.ts";

/** What publishing device models uses. */
export interface ModelsCtx extends AuditCtx {
  db: Database;
  notifier: Pick<DatabaseHandle, "notify">;
  models: ModelRegistry;
  registry: PlatformRegistry;
}

/**
 * Publishes the next version of a vendor's model for a deviceType (standard 6.5.2.2 asks vendors
 * to publish their extended attributes); every instance picks it up. Only a platform that makes
 * devices (owns a manufacturer code) publishes models. Audited.
 */
export async function publishModel(
  ctx: ModelsCtx,
  ownerPlatId: string,
  input: ModelInput,
  by: Actor,
): Promise<DeviceModelSpec> {
  const owner = ctx.registry.get(ownerPlatId);
  if (!owner) throw notFound(`platform ${ownerPlatId} not found`);
  if (owner.manufacturerCodes.length === 0) {
    throw invalid(`platform ${ownerPlatId} owns no manufacturer code: only device vendors publish models`);
  }
  const [latest] = await ctx.db
    .select({ version: deviceModels.version })
    .from(deviceModels)
    .where(and(eq(deviceModels.ownerPlatId, ownerPlatId), eq(deviceModels.deviceType, input.deviceType)))
    .orderBy(desc(deviceModels.version))
    .limit(1);
  const [row] = await ctx.db
    .insert(deviceModels)
    .values({ ...input, ownerPlatId, version: (latest?.version ?? 0) + 1 })
    .returning();
  if (!row) throw new Error("model insert returned nothing");
  ctx.models.put(spec(row));
  await ctx.notifier.notify(MODELS_CHANNEL, `${ownerPlatId} ${input.deviceType}`);
  const model = spec(row);
  await audit(ctx, {
    actor: by.actor,
    action: by.viaSelf ? "self.model.publish" : "model.publish",
    target: `${ownerPlatId}/${model.deviceType}`,
    outcome: "ok",
    detail: { version: model.version },
  });
  return model;
}
