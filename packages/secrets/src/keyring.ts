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

/** AES-256-GCM with a fresh random IV; output is base64url(iv | tag | data). */
export function encryptSecret(keyring: Keyring, plaintext: string): { ciphertext: string; keyId: string } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv);
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { ciphertext: Buffer.concat([iv, tag, data]).toString("base64url"), keyId: keyring.current.id };
}

/** Throws when the key id is unknown or the ciphertext was altered (GCM authentication fails). */
export function decryptSecret(keyring: Keyring, ciphertext: string, keyId: string): string {
  const key = keyring.byId.get(keyId);
  if (!key)
    throw new Error(`decryptSecret: unknown key id "${keyId}" (was an older HUB_SECRET_KEY removed?)`);
  const raw = Buffer.from(ciphertext, "base64url");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error("decryptSecret: ciphertext is too short");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new Error("decryptSecret: authentication failed (ciphertext tampered with or wrong key)");
  }
}
