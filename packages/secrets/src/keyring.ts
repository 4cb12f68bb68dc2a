import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Keys that encrypt secrets at rest (vendor tokens, app secrets). `current` encrypts;
 * `byId` (which includes current) decrypts, so rows written under an older key keep
 * working after HUB_SECRET_KEY is rotated.
 */
export interface Keyring {
  current: { id: string; key: Buffer };
  byId: Map<string, Buffer>;
}

const KEY_HEX = /^[0-9a-fA-F]{64}$/;
const IV_BYTES = 12; // the GCM-recommended nonce size
const TAG_BYTES = 16;

function parseKey(hex: string, what: string): Buffer {
  const trimmed = hex.trim();
  if (!KEY_HEX.test(trimmed)) {
    throw new Error(
      `${what} must be 64 hex characters (32 random bytes), got ${trimmed.length} characters` +
        (trimmed.length === 64 ? " with non-hex content" : ""),
    );
  }
  return Buffer.from(trimmed, "hex");
}

/** Key id = first 8 hex chars of sha256(key): stable, and reveals nothing useful about the key. */
function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

export function keyringFromHex(primaryHex: string, olderHex: string[] = []): Keyring {
  const key = parseKey(primaryHex, "HUB_SECRET_KEY");
  const current = { id: keyId(key), key };
  const byId = new Map<string, Buffer>();
  olderHex.forEach((hex, i) => {
    const older = parseKey(hex, `older secret key #${i + 1}`);
    byId.set(keyId(older), older);
  });
  byId.set(current.id, key);
  return { current, byId };
}

/**
 * Where a sealed value lives: its table, column and row. It is the AES-GCM associated data of
 * the value (format v2), so a ciphertext copied to another row or column does not decrypt.
 */
export interface SecretPlace {
  table: string;
  column: string;
  /** The row's key (a composite key as one string, e.g. JSON of its parts). */
  row: string;
}

/** Format v2: "v2." + base64url(iv | tag | data), with the place as associated data. */
const V2 = "v2.";

const associatedData = (place: SecretPlace): Buffer =>
  Buffer.from(JSON.stringify(["yunlian-secret/v2", place.table, place.column, place.row]), "utf8");

const describePlace = (place: SecretPlace) => `${place.table}.${place.column} of ${place.row}`;

/**
 * AES-256-GCM with a fresh random IV and the place as associated data; output is
 * "v2." + base64url(iv | tag | data).
 */
export function encryptSecret(
  keyring: Keyring,
  plaintext: string,
  place: SecretPlace,
): { ciphertext: string; keyId: string } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv);
  cipher.setAAD(associatedData(place));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return {
    ciphertext: V2 + Buffer.concat([iv, tag, data]).toString("base64url"),
    keyId: keyring.current.id,
  };
}

/**
 * Decrypts a v2 value (which must be read at the place it was sealed for) or a value of the
 * first format (no prefix, no associated data: written before v2, still read until `hubctl
 * secrets rewrap` upgrades it). Throws when the key id is unknown, or the value was altered,
 * moved from another row or column, or sealed with another key (GCM authentication fails).
 */
export function decryptSecret(
  keyring: Keyring,
  ciphertext: string,
  keyId: string,
  place: SecretPlace,
): string {
  const key = keyring.byId.get(keyId);
  if (!key) {
    throw new Error(
      `decryptSecret: ${describePlace(place)} was sealed with key id "${keyId}", which the hub does not have (set the old key in HUB_SECRET_KEY_PREVIOUS)`,
    );
  }
  const v2 = ciphertext.startsWith(V2);
  const raw = Buffer.from(v2 ? ciphertext.slice(V2.length) : ciphertext, "base64url");
  if (raw.length < IV_BYTES + TAG_BYTES)
    throw new Error(`decryptSecret: ${describePlace(place)}: ciphertext is too short`);
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  if (v2) decipher.setAAD(associatedData(place));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new Error(
      `decryptSecret: authentication failed for ${describePlace(place)} (the value was altered, or copied from another row or column)`,
    );
  }
}

/** Sealed with the current key in the current format: nothing for a rewrap to do. */
export function isCurrentSeal(keyring: Keyring, ciphertext: string, keyId: string): boolean {
  return keyId === keyring.current.id && ciphertext.startsWith(V2);
}
