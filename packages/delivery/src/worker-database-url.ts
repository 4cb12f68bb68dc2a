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
  const u = new URL(url);
  const settings = { synchronous_commit: "off", enable_seqscan: "off", plan_cache_mode: "auto", jit: "off" };
  for (const [name, value] of Object.entries(settings)) {
    if (!u.searchParams.has(name)) u.searchParams.set(name, value);
  }
  return u.toString();
}
