import { Cluster, Redis, type RedisOptions } from "ioredis";

/** A connection BullMQ can use: one Redis server, or a Redis Cluster (ioredis `Cluster`). */
export type RedisConnection = Redis | Cluster;

/**
 * What a connection is for. `worker`: BullMQ's worker connection, which must retry forever
 * (`maxRetriesPerRequest: null`, a BullMQ requirement). `queue`: adds and reads that fail fast
 * while Redis is away (the outbox keeps the rows), instead of piling up in an offline queue.
 * `request`: commands a request waits on (rate limits, replay guard): queued while reconnecting
 * but never longer than a second.
 */
export type RedisRole = "worker" | "queue" | "request";

const ROLES: Record<RedisRole, { offlineQueue: boolean; options: RedisOptions }> = {
  worker: { offlineQueue: true, options: { maxRetriesPerRequest: null } },
  queue: { offlineQueue: false, options: { maxRetriesPerRequest: 1 } },
  request: { offlineQueue: true, options: { maxRetriesPerRequest: 1, commandTimeout: 1_000 } },
};

/**
 * `redis[s]://[user:password@]host:port[/db][?cluster=1]`. With `cluster=1` (or `true`) the
 * host:port is a seed node of a Redis Cluster: ioredis reads the slot map from it and connects to
 * every master it names. Other query parameters are left to ioredis.
 */
export function isClusterUrl(url: string): boolean {
  const v = new URL(url).searchParams.get("cluster");
  return v === "1" || v === "true";
}

/** Opens a connection to `url` (see isClusterUrl) shaped for `role`. Errors are swallowed here: callers report failed commands. */
export function openRedis(url: string, role: RedisRole): RedisConnection {
  const shape = ROLES[role];
  const conn = isClusterUrl(url)
    ? openCluster(url, shape.offlineQueue, shape.options)
    : new Redis(url, { ...shape.options, enableOfflineQueue: shape.offlineQueue });
  conn.on("error", () => undefined); // ioredis reconnects by itself; failed commands are reported by their callers
  return conn;
}

function openCluster(url: string, offlineQueue: boolean, options: RedisOptions): Cluster {
  const u = new URL(url);
  const db = u.pathname.replace(/^\//, "");
  if (db !== "" && db !== "0")
    throw new Error("a Redis Cluster has only database 0: drop the /db from REDIS_URL");
  return new Cluster([{ host: u.hostname, port: Number(u.port || 6379) }], {
    // A failover moves slots: refresh the map soon after, not only when a MOVED reply says so.
    slotsRefreshInterval: 2_000,
    enableOfflineQueue: offlineQueue,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    redisOptions: {
      ...options,
      ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
      ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    },
  });
}

/** Connection lost (a hand-off then fails at once instead of waiting for its timeout). */
export function connectionLost(conn: RedisConnection): boolean {
  return conn.status === "reconnecting" || conn.status === "close" || conn.status === "end";
}
