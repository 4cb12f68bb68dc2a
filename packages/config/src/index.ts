export {
  DEFAULT_DELIVERY_BACKOFF,
  type DeliveryEnv,
  type DeliveryEnvSettings,
  deliveryEnv,
  deliverySettings,
  loadDeliverySettings,
  queueEnv,
  workerShardsEnv,
} from "./delivery.ts";
export { parseDuration, parseDurationList } from "./duration.ts";
export {
  commaList,
  duration,
  durationList,
  flag,
  httpUrl,
  parsedBy,
  positiveInt,
  required,
  url,
} from "./fields.ts";
export {
  ConfigError,
  type ConfigProblem,
  type CrossRule,
  type EnvRecord,
  parseEnv,
  withCrossRules,
} from "./parse-env.ts";
export { type ReconcileSettings, reconcileEnv, reconcileSettings } from "./reconcile.ts";
export { type RetentionSettings, retentionEnv, retentionSettings } from "./retention.ts";
export {
  adaptersEnv,
  DEFAULT_DATA_DIR,
  DEFAULT_HUB_PLAT_ID,
  databaseEnv,
  dataDirEnv,
  hexKey,
  hubPlatIdEnv,
  LOG_LEVELS,
  type LogLevel,
  logLevelEnv,
  previousHexKeys,
  privateUrlsEnv,
  redisEnv,
  scrapeTokensEnv,
  secretKeyEnv,
  vendorTimeoutEnv,
} from "./shared.ts";
