import { type Database, type DatabaseHandle, deviceModels } from "@yunlian/db";
import { and, desc, eq } from "drizzle-orm";
import type { Logger } from "pino";
import { BUILTIN_MODELS, type DeviceModelSpec } from "./builtin-models.ts";
import { ModelRegistry } from "./model-registry.ts";

export const MODELS_CHANNEL = "yunlian_models";

export function spec(row: typeof deviceModels.$inferSelect): DeviceModelSpec {
  return {
    deviceType: row.deviceType,
    version: row.version,
    ownerPlatId: row.ownerPlatId,
    nameZh: row.nameZh,
    nameEn: row.nameEn,
    attributes: row.attributes,
  };
}

/** Builds the in-memory model registry (shipped + published) and keeps it fresh across instances. */
export async function startModelRegistry(
  database: DatabaseHandle,
  log: Logger,
): Promise<{ registry: ModelRegistry; stop(): Promise<void> }> {
  const registry = new ModelRegistry();
  for (const m of BUILTIN_MODELS) registry.put(m);
  const reload = async (owner: string, deviceType: string) => {
    const [row] = await database.db
      .select()
      .from(deviceModels)
      .where(and(eq(deviceModels.ownerPlatId, owner), eq(deviceModels.deviceType, deviceType)))
      .orderBy(desc(deviceModels.version))
      .limit(1);
    if (row) registry.put(spec(row));
  };
  const loadAll = async () => {
    for (const row of await database.db.select().from(deviceModels)) registry.put(spec(row));
  };
  const stop = await database.listen(
    MODELS_CHANNEL,
    (payload) => {
      const [owner = "", deviceType = ""] = payload.split(" ");
      reload(owner, deviceType).catch((err: unknown) =>
        log.error({ err }, "reloading a device model failed"),
      );
    },
    // Versions only grow, so reading every row again catches whatever was published meanwhile.
    () => void loadAll().catch((err: unknown) => log.error({ err }, "reloading device models failed")),
  );
  await loadAll();
  return { registry, stop };
}

export async function modelVersions(
  db: Database,
  owner: string,
  deviceType: string,
): Promise<DeviceModelSpec[]> {
  const rows = await db
    .select()
    .from(deviceModels)
    .where(and(eq(deviceModels.ownerPlatId, owner), eq(deviceModels.deviceType, deviceType)))
    .orderBy(desc(deviceModels.version));
  return rows.map(spec);
}
