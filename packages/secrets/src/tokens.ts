import { hash, randomBytes } from "node:crypto";

/** A URL-safe random token; 32 bytes (256 bits) by default, enough to be unguessable. */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16) {
    throw new Error(`randomToken: need an integer of at least 16 bytes, got ${bytes}`);
  }
  return randomBytes(bytes).toString("base64url");
}

/** Tokens are stored by hash only, so a database leak does not leak usable tokens. */
export function sha256Hex(s: string): string {
  // The one-shot form: no Hash object per call (this runs on every authenticated device call).
  return hash("sha256", s, "hex");
}

/**
 * Constant-time string comparison. Both sides are hashed first so the comparison time
 * does not reveal the length of the secret either (timingSafeEqual needs equal lengths).
 */
export function timingSafeEqualStr(a: string, b: string): boolean {
  // One-shot hashes: two Hash objects per comparison were ~5% of the hub's CPU per request in
  // the op benchmark.
  return timingSafeEqualToDigest(a, comparisonDigest(b));
}

/**
 * What timingSafeEqualStr compares a known secret as: computed once for a secret compared on
 * every request (a mode-none platform's AppID), it halves the hashing per comparison.
 */
export function comparisonDigest(secret: string): string {
  return hash("sha256", secret, "hex");
}

/**
 * timingSafeEqualStr against a secret's comparisonDigest. Both digests are 64 hex characters, and
 * every one is compared whatever differs (no early exit): the time depends on neither value. Not
 * crypto.timingSafeEqual, which needs Buffers, and the one-shot hash's Buffer output costs
 * 2.7 times its hex output (600 vs 225 ns here).
 */
export function timingSafeEqualToDigest(a: string, digest: string): boolean {
  const mine = hash("sha256", a, "hex");
  if (digest.length !== mine.length) return false;
  let difference = 0;
  for (let i = 0; i < mine.length; i++) difference |= mine.charCodeAt(i) ^ digest.charCodeAt(i);
  return difference === 0;
}
