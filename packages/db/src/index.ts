import * as schema from "./schema/index.ts";

export { resolveDataDir } from "./data-dir.ts";
export { migrationsFolder } from "./migrations-folder.ts";
export { openDatabase } from "./open.ts";
export * from "./schema/index.ts";
export {
  adapterConfigPlace,
  type PlatformSecretColumn,
  platformSecretPlace,
  vendorSessionPlace,
} from "./secret-places.ts";
export type { Database, DatabaseHandle, OpenDatabaseOptions, Transaction } from "./types.ts";
export { schema };
