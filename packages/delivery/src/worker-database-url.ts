/**
 * Session settings for a delivery worker's own connection pool, added to its PostgreSQL URL
 * (postgres.js passes URL parameters on as session settings; ones already in the URL win):
 *
 * - `synchronous_commit=off`: the worker only writes delivery bookkeeping (leases, attempt
 *   records, relay marks). If PostgreSQL crashes, the last few hundred milliseconds of it may be
 *   lost, which at worst re-sends a report with the same webhook-id — at-least-once still holds.
 *   Reports themselves are ingested by the hub on synchronous connections. Without it every
 *   attempt waits for a WAL flush, which caps one worker at a few hundred deliveries per second.
 * - `enable_seqscan=off` with `plan_cache_mode=auto`: every statement this pool runs finds outbox
 *   rows by key or through an index (relay, claim, record, sweep). Planned with sequential scans
 *   ruled out, a statement's cached plan uses those indexes even when it was made while the outbox
 *   was nearly empty, so it is planned once per connection and kept — instead of planned on every
 *   run, the safe default `openDatabase` uses for pools that also run ad-hoc queries. A statement
 *   with no index to use still runs, as a sequential scan.
 * - `jit=off`: ruling out sequential scans adds a huge cost to any plan that still needs one
 *   (postgres.js's type lookup on each new connection does), which would otherwise trigger JIT
 *   compilation of it: ≈ 130 ms of PostgreSQL CPU per connection, measured. These are short
 *   statements; JIT never pays for itself on them.
 */
export function workerDatabaseUrl(url: string): string {
  return withSettings(url, { synchronous_commit: "off", ...CACHED_PLANS });
}

/**
 * Session settings for the hub's ingest pool: the worker's cached, index-only plans (the ingest
 * statement finds bindings, platforms and shadows by key), but commits stay synchronous — a report
 * is answered "200" only once it is durable. Planning the ingest statement on every run, as the
 * hub's main pool does, cost ≈ 0.27 ms of PostgreSQL CPU per batch, measured; its one jsonb
 * parameter never changes the plan, so a kept one is as good.
 */
export function ingestDatabaseUrl(url: string): string {
  return withSettings(url, CACHED_PLANS);
}

const CACHED_PLANS = { enable_seqscan: "off", plan_cache_mode: "auto", jit: "off" };

function withSettings(url: string, settings: Record<string, string>): string {
  const u = new URL(url);
  for (const [name, value] of Object.entries(settings)) {
    if (!u.searchParams.has(name)) u.searchParams.set(name, value);
  }
  return u.toString();
}
