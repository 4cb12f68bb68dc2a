import { hash, randomBytes, timingSafeEqual } from "node:crypto";

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
  // One-shot hashes: a mode-none platform's AppID is compared on every device call, and two
  // Hash objects per comparison were ~5% of the hub's CPU per request in the op benchmark.
  return timingSafeEqual(hash("sha256", a, "buffer"), hash("sha256", b, "buffer"));
}
