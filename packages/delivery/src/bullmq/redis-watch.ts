import { randomUUID } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import type { RedisConnection } from "./redis.ts";

/**
 * Notices that Redis may have lost queued jobs, so the outbox's open rows can be queued again at
 * once instead of waiting for the sweeper's grace period. Three signs, checked every pass:
 * - a marker key (one per shard, in the shard's own slot) is gone: FLUSHALL, a restart without
 *   persistence, a node replaced empty; also at start when no worker kept it (lost while none ran);
 * - a server's run_id changed: a restart, even one that reloaded an older snapshot;
 * - a master appeared at an address that was not one before: a replica took over after a
 *   failover, and whatever the old master had not yet replicated is gone.
 * A false alarm costs one relay pass over the open rows (adding a job that exists is a no-op).
 */
export class RedisLossWatch {
  /** run_id by master address, as of the last pass; undefined before the first. */
  #masters: Map<string, string> | undefined;
  readonly #token = randomUUID();

  constructor(
    private readonly conn: RedisConnection,
    private readonly markerKeys: readonly string[],
  ) {}

  /** One pass: why Redis looks to have lost data, or undefined. Unreachable nodes are skipped. */
  async check(): Promise<string | undefined> {
    const reasons: string[] = [];
    const masters = await this.#readMasters();
    if (this.#masters && this.#masters.size > 0) {
      for (const [addr, runId] of masters) {
        const before = this.#masters.get(addr);
        if (before === undefined) reasons.push(`new master ${addr}`);
        else if (before !== runId) reasons.push(`Redis at ${addr} restarted (run_id changed)`);
      }
    }
    // Keep addresses that did not answer this time: one coming back with a new run_id still counts.
    this.#masters = new Map([...(this.#masters ?? []), ...masters]);
    const set = await Promise.all(
      this.markerKeys.map((key) =>
        this.conn.set(key, this.#token, "NX").then(
          (r) => r === "OK",
          () => false,
        ),
      ),
    );
    const missing = this.markerKeys.filter((_, i) => set[i]);
    if (missing.length > 0) reasons.push(`marker key gone: ${missing.join(", ")}`);
    return reasons.length > 0 ? reasons.join("; ") : undefined;
  }

  async #readMasters(): Promise<Map<string, string>> {
    const nodes: Redis[] = isCluster(this.conn) ? this.conn.nodes("master") : [this.conn];
    const seen = await Promise.all(
      nodes.map(async (node) => {
        try {
          const info = await node.info("server");
          const runId = /^run_id:(\w+)/m.exec(info)?.[1];
          return runId ? ([`${node.options.host}:${node.options.port}`, runId] as const) : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    return new Map(seen.filter((s) => s !== undefined));
  }
}

function isCluster(conn: RedisConnection): conn is Cluster {
  return "nodes" in conn && typeof conn.nodes === "function";
}
