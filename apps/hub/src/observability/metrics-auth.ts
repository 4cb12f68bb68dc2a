import { createHash, timingSafeEqual } from "node:crypto";
import { bearerToken } from "../security/bearer-token.ts";
import type { OperatorAuth } from "../security/operator-auth.ts";

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest();

/**
 * Who may scrape /metrics (docs/design.md §7), the hub's and the worker's alike: `Authorization:
 * Bearer` with HUB_METRICS_TOKEN, the operator token or an operator key of any scope. Without
 * `operators` (a worker given no HUB_ADMIN_TOKEN) only HUB_METRICS_TOKEN is accepted.
 */
export function metricsScrapeCheck(tokens: {
  metricsToken?: string;
  operators?: Pick<OperatorAuth, "identify">;
}): (authorization: string | undefined) => Promise<boolean> {
  const metricsToken = tokens.metricsToken ? sha256(tokens.metricsToken) : undefined;
  return async (authorization) => {
    const given = bearerToken(authorization);
    if (given === undefined) return false;
    if (metricsToken !== undefined && timingSafeEqual(sha256(given), metricsToken)) return true;
    return tokens.operators !== undefined && (await tokens.operators.identify(given)) !== undefined;
  };
}
