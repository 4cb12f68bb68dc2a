import type { Sample } from "./sampler.ts";

/** What one request (or one delivery) costs, in each resource the capacity model needs. */
export interface Cost {
  hubCpuUs: number;
  workerCpuUs: number;
  pgCpuUs: number;
  redisCpuUs: number;
  walBytes: number;
  redisCommands: number;
}

export const COST_KEYS: (keyof Cost)[] = [
  "hubCpuUs",
  "workerCpuUs",
  "pgCpuUs",
  "redisCpuUs",
  "walBytes",
  "redisCommands",
];

/** Per-second use of each resource while nothing is sent (timers, sweeps, autovacuum, the retention job). */
export function rates(a: Sample, b: Sample): Cost {
  const s = (b.at - a.at) / 1000;
  return {
    hubCpuUs: ((b.cpu.hub - a.cpu.hub) * 1e6) / s,
    workerCpuUs: ((b.cpu.worker - a.cpu.worker) * 1e6) / s,
    pgCpuUs: ((b.cpu.pg - a.cpu.pg) * 1e6) / s,
    redisCpuUs: ((b.cpu.redis - a.cpu.redis) * 1e6) / s,
    walBytes: (b.walBytes - a.walBytes) / s,
    redisCommands: (b.redisCommands - a.redisCommands) / s,
  };
}

/** (b − a − idle × elapsed) ÷ n: the cost of each of n requests sent between two samples. */
export function perRequest(a: Sample, b: Sample, n: number, idle: Cost): Cost {
  const s = (b.at - a.at) / 1000;
  const used = rates(a, b);
  const out = {} as Cost;
  for (const k of COST_KEYS) out[k] = Math.max(0, ((used[k] - idle[k]) * s) / n);
  return out;
}

/**
 * A report to 1 subscriber costs ingest + 1 delivery, to 10 ingest + 10 deliveries: two
 * measurements give both (delivery = (c10 − c1) ÷ 9, ingest = c1 − delivery).
 */
export function splitReportCost(r1: Cost, r10: Cost): { ingest: Cost; delivery: Cost } {
  const ingest = {} as Cost;
  const delivery = {} as Cost;
  for (const k of COST_KEYS) {
    delivery[k] = Math.max(0, (r10[k] - r1[k]) / 9);
    ingest[k] = Math.max(0, r1[k] - delivery[k]);
  }
  return { ingest, delivery };
}
