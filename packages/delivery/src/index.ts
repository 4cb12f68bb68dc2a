export * from "./admin/index.ts";
export { type AttemptOutcome, attemptDelivery } from "./attempt/attempt.ts";
export {
  closeDeliveryContext,
  createDeliveryContext,
  type DeliveryContext,
  type DeliveryObserver,
} from "./attempt/context.ts";
export { retCodeOf } from "./attempt/http.ts";
export { webhookHeaders } from "./attempt/signing.ts";
export {
  nextRetryDelay,
  parseRetryAfter,
  type RetryPolicy,
  withJitter,
} from "./backoff.ts";
export { type BreakerChange, type BreakerDecision, type BreakerState, CircuitBreaker } from "./breaker.ts";
export { type OpenedQueueHandoff, openQueueHandoff, QueueHandoff } from "./bullmq/handoff.ts";
export { isClusterUrl, openRedis, type RedisConnection, type RedisRole } from "./bullmq/redis.ts";
export { RedisLossWatch } from "./bullmq/redis-watch.ts";
export { relayOnce, requeueAllOpen, sweepOnce } from "./bullmq/relay.ts";
export { ShardedQueues, shardOf, shardPrefix } from "./bullmq/shards.ts";
export {
  DEFAULT_WORKER_CONCURRENCY,
  type QueueDelivery,
  type QueueDeliveryOptions,
  startQueueDelivery,
} from "./bullmq/start.ts";
export {
  type BreakerOptions,
  type DeliveryConfig,
  type DeliverySettings,
  deliveryConfig,
} from "./config.ts";
export { type InProcessDelivery, type InProcessDeliveryOptions, startInProcessDelivery } from "./embedded.ts";
export { EndpointGates, endpointKey } from "./endpoint-gate.ts";
export { GroupCommit, type GroupCommitOptions } from "./group-commit.ts";
export type { DeliveryHandoff, HandedDelivery } from "./handoff.ts";
export { newDeliveryId } from "./ids.ts";
export { type IngestInput, type IngestResult, ingestReport } from "./ingest.ts";
export { ReportingPlatformGone } from "./ingest-rows.ts";
export { DEFAULT_QUEUE_NAME, DEFAULT_QUEUE_PREFIX, type DeliverJobData, deliverJob } from "./jobs.ts";
export { type DeliveryLogger, silentLogger } from "./logger.ts";
export { endOpenDeliveries, enqueueNotice, type NoticeInput } from "./notice.ts";
export { type DataGatewayBody, type NormalisedReport, reportBody } from "./report.ts";
export { type RunRendered, type RunSql, renderOnce, runSql } from "./sql-exec.ts";
export { DELIVERY_CHANNEL, type DeliveryListener, type DeliveryNotifier, wakeDelivery } from "./wake.ts";
export { ingestDatabaseUrl, workerDatabaseUrl } from "./worker-database-url.ts";
