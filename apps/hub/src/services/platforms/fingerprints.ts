import { platforms, type Transaction } from "@yunlian/db";
import { and, ne, sql } from "drizzle-orm";
import { normaliseFingerprint } from "../../lib/authenticate-caller.ts";
import { conflict, invalid } from "../../lib/hub-error.ts";
import type { PlatformRegistry } from "../../registry/platform-registry.ts";

/** Seeds the advisory-lock key that serialises fingerprint claims (apart from other advisory locks). */
const FINGERPRINT_LOCK_SEED = 7_372_617_014;

// Why it is refused, without naming the platform that holds it: a tenant asking must not learn
// who another tenant's certificate belongs to.
const taken = (fp: string) =>
  conflict(`security.certFingerprints: ${fp} is already registered to another platform`);

/**
 * A client certificate names at most one platform (docs/design.md §7): a platform that could add
 * another's fingerprint (through self-service) would make that platform's calls without a PlatID
 * header ambiguous, and refused. Fingerprints are compared normalised (lower-case hex, no
 * colons). This is the quick check against the registry; claimFingerprints repeats it race-free.
 */
export function checkFingerprints(registry: PlatformRegistry, platId: string, fps: readonly string[]): void {
  const wanted = new Map(fps.map((fp) => [normaliseFingerprint(fp), fp]));
  if (wanted.size !== fps.length)
    throw invalid("security.certFingerprints: each fingerprint may appear once");
  if (wanted.size === 0) return;
  for (const other of registry.all()) {
    if (other.platId === platId) continue;
    for (const fp of other.certFingerprints) {
      const mine = wanted.get(normaliseFingerprint(fp));
      if (mine !== undefined) throw taken(mine);
    }
  }
}

/**
 * Inside the transaction that stores `fps` for `platId`: under one advisory lock (two
 * registrations at the same moment, on any hub instance, take turns), no other stored platform
 * may hold any of them. Stored fingerprints may carry colons or upper case: compared normalised.
 */
export async function claimFingerprints(
  tx: Transaction,
  platId: string,
  fps: readonly string[],
): Promise<void> {
  if (fps.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${FINGERPRINT_LOCK_SEED}::bigint)`);
  const wanted = new Map(fps.map((fp) => [normaliseFingerprint(fp), fp]));
  // Few platforms carry fingerprints: read theirs and compare here, normalised.
  const others = await tx
    .select({ fps: platforms.certFingerprints })
    .from(platforms)
    .where(and(ne(platforms.platId, platId), sql`cardinality(${platforms.certFingerprints}) > 0`));
  for (const other of others) {
    for (const fp of other.fps) {
      const mine = wanted.get(normaliseFingerprint(fp));
      if (mine !== undefined) throw taken(mine);
    }
  }
}
