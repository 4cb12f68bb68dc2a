import { decryptSecret, type Keyring } from "@yunlian/secrets";

// Every attempt needs the platform's secret in clear to sign; decrypting it (AES) per attempt was a
// visible share of the worker's CPU. The clear secret lives in memory anyway (signing.ts keeps one
// Webhook per secret), so keep it per ciphertext: a rotation brings a new ciphertext, hence a new
// entry, and the old one ages out with the bound.
const caches = new WeakMap<Keyring, Map<string, string>>();
const MAX_ENTRIES = 10_000;

export function cachedSecret(keyring: Keyring, ciphertext: string, keyId: string): string {
  let cache = caches.get(keyring);
  if (!cache) {
    cache = new Map();
    caches.set(keyring, cache);
  }
  const key = `${keyId}\u0000${ciphertext}`;
  let secret = cache.get(key);
  if (secret === undefined) {
    secret = decryptSecret(keyring, ciphertext, keyId);
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(key, secret);
  }
  return secret;
}
