import { adapterConfigPlace } from "@yunlian/db";
import { decryptSecret, encryptSecret, type Keyring } from "@yunlian/secrets";
import { SECRET_KEY } from "../../security/redact.ts";

interface Sealed {
  $sealed: string;
  kid: string;
}

function isSealed(v: unknown): v is Sealed {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as Sealed).$sealed === "string" &&
    typeof (v as Sealed).kid === "string"
  );
}

/** A member's path inside the config, as the associated data names it: `["a"][0]["clientSecret"]`. */
const member = (path: string, key: string | number) =>
  `${path}[${typeof key === "number" ? key : JSON.stringify(key)}]`;

/**
 * adapterConfig as stored: every string under a secret-looking key (a vendor's clientSecret, a
 * password) is replaced by its AES-256-GCM ciphertext and key id, like platform secrets and
 * vendor tokens, bound to the platform and to its path in the config (a sealed value moved to
 * another platform or another key does not decrypt). The rest of the config stays readable JSON.
 */
export function sealSecrets(value: unknown, keyring: Keyring, platId: string, path = "", depth = 0): unknown {
  if (depth > 32 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value))
    return value.map((v, i) => sealSecrets(v, keyring, platId, member(path, i), depth + 1));
  // Object.fromEntries defines own properties: a "__proto__" key from the request stays a key
  // (an assignment would replace the copy's prototype and drop it).
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      const at = member(path, k);
      if (SECRET_KEY.test(k) && typeof v === "string" && v !== "") {
        const { ciphertext, keyId } = encryptSecret(keyring, v, adapterConfigPlace(platId, at));
        return [k, { $sealed: ciphertext, kid: keyId } satisfies Sealed];
      }
      return [k, sealSecrets(v, keyring, platId, at, depth + 1)];
    }),
  );
}

/** The adapterConfig an adapter gets: sealed values decrypted. */
export function openSecrets(value: unknown, keyring: Keyring, platId: string, path = "", depth = 0): unknown {
  if (isSealed(value))
    return decryptSecret(keyring, value.$sealed, value.kid, adapterConfigPlace(platId, path));
  if (depth > 32 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value))
    return value.map((v, i) => openSecrets(v, keyring, platId, member(path, i), depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, openSecrets(v, keyring, platId, member(path, k), depth + 1)]),
  );
}

/** How many sealed values of a stored config `stale` says need sealing again. */
export function countSealed(value: unknown, stale: (s: Sealed) => boolean, depth = 0): number {
  if (isSealed(value)) return stale(value) ? 1 : 0;
  if (depth > 32 || typeof value !== "object" || value === null) return 0;
  let n = 0;
  for (const v of Object.values(value)) n += countSealed(v, stale, depth + 1);
  return n;
}
