import { platformSecretPlace } from "@yunlian/db";
import { decryptSecret, type Keyring } from "@yunlian/secrets";

// Every attempt needs the platform's secret in clear to sign; decrypting it (AES) per attempt was a
// visible share of the worker's CPU. The clear secret lives in memory anyway (signing.ts keeps one
// Webhook per secret), so keep it per ciphertext: a rotation brings a new ciphertext, hence a new
// entry, and the old one ages out with the bound.
const caches = new WeakMap<Keyring, Map<string, string>>();
const MAX_ENTRIES = 10_000;

/**
 * A platform's webhookSecret in clear; `previous` for the one in its grace period (each is
 * bound to its own column of the platform's row). Throws when it does not decrypt.
 */
export function cachedSecret(
  keyring: Keyring,
  platId: string,
  sealed: { ciphertext: string; keyId: string; previous: boolean },
): string {
  const { ciphertext, keyId } = sealed;
  const column = sealed.previous ? "previous_webhook_secret" : "webhook_secret";
  let cache = caches.get(keyring);
  if (!cache) {
    cache = new Map();
    caches.set(keyring, cache);
  }
  const key = `${platId}\u0000${column}\u0000${keyId}\u0000${ciphertext}`;
  let secret = cache.get(key);
  if (secret === undefined) {
    secret = decryptSecret(keyring, ciphertext, keyId, platformSecretPlace(platId, column));
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(key, secret);
  }
  return secret;
}
