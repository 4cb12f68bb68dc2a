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

/**
 * adapterConfig as stored: every string under a secret-looking key (a vendor's clientSecret, a
 * password) is replaced by its AES-256-GCM ciphertext and key id, like platform secrets and
 * vendor tokens. The rest of the config stays readable JSON.
 */
export function sealSecrets(value: unknown, keyring: Keyring, depth = 0): unknown {
  if (depth > 32 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => sealSecrets(v, keyring, depth + 1));
  // Object.fromEntries defines own properties: a "__proto__" key from the request stays a key
  // (an assignment would replace the copy's prototype and drop it).
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (SECRET_KEY.test(k) && typeof v === "string" && v !== "") {
        const { ciphertext, keyId } = encryptSecret(keyring, v);
        return [k, { $sealed: ciphertext, kid: keyId } satisfies Sealed];
      }
      return [k, sealSecrets(v, keyring, depth + 1)];
    }),
  );
}

/** The adapterConfig an adapter gets: sealed values decrypted. */
export function openSecrets(value: unknown, keyring: Keyring, depth = 0): unknown {
  if (isSealed(value)) return decryptSecret(keyring, value.$sealed, value.kid);
  if (depth > 32 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => openSecrets(v, keyring, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, openSecrets(v, keyring, depth + 1)]));
}
