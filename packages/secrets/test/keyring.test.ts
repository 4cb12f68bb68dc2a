import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  decryptSecret,
  encryptSecret,
  isCurrentSeal,
  keyringFromHex,
  type SecretPlace,
} from "../src/index.ts";

const AT: SecretPlace = { table: "platforms", column: "secret", row: "PLAT-A" };

const hexKey = () => randomBytes(32).toString("hex");

describe("keyring", () => {
  it("round-trips a secret and reports the current key id", () => {
    const ring = keyringFromHex(hexKey());
    const { ciphertext, keyId } = encryptSecret(ring, "vendor-token-é✓", AT);
    expect(keyId).toBe(ring.current.id);
    expect(keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(ciphertext).toMatch(/^v2\.[A-Za-z0-9_-]+$/);
    expect(decryptSecret(ring, ciphertext, keyId, AT)).toBe("vendor-token-é✓");
  });

  it("uses a fresh IV each time", () => {
    const ring = keyringFromHex(hexKey());
    expect(encryptSecret(ring, "same", AT).ciphertext).not.toBe(encryptSecret(ring, "same", AT).ciphertext);
  });

  it("detects tampering", () => {
    const ring = keyringFromHex(hexKey());
    const { ciphertext, keyId } = encryptSecret(ring, "secret", AT);
    const raw = Buffer.from(ciphertext.slice(3), "base64url");
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => decryptSecret(ring, `v2.${raw.toString("base64url")}`, keyId, AT)).toThrow(
      /authentication failed/,
    );
    expect(() => decryptSecret(ring, "abc", keyId, AT)).toThrow(/too short/);
  });

  it("rejects an unknown key id and a key that does not match", () => {
    const ring = keyringFromHex(hexKey());
    const other = keyringFromHex(hexKey());
    const { ciphertext, keyId } = encryptSecret(ring, "secret", AT);
    expect(() => decryptSecret(ring, ciphertext, "deadbeef", AT)).toThrow(/does not have/);
    expect(() => decryptSecret(other, ciphertext, keyId, AT)).toThrow(/does not have/);
  });

  it("decrypts with an older key after rotation", () => {
    const oldHex = hexKey();
    const oldRing = keyringFromHex(oldHex);
    const sealed = encryptSecret(oldRing, "written before rotation", AT);
    const rotated = keyringFromHex(hexKey(), [oldHex]);
    expect(rotated.current.id).not.toBe(oldRing.current.id);
    expect(decryptSecret(rotated, sealed.ciphertext, sealed.keyId, AT)).toBe("written before rotation");
    expect(encryptSecret(rotated, "new", AT).keyId).toBe(rotated.current.id);
  });

  it("rejects keys of the wrong length or alphabet with a clear error", () => {
    expect(() => keyringFromHex("abcd")).toThrow(/HUB_SECRET_KEY must be 64 hex characters/);
    expect(() => keyringFromHex("z".repeat(64))).toThrow(/non-hex/);
    expect(() => keyringFromHex(hexKey(), ["12"])).toThrow(/older secret key #1/);
  });

  it("binds a value to its table, row and column: a copy elsewhere does not decrypt", () => {
    const ring = keyringFromHex(hexKey());
    const { ciphertext, keyId } = encryptSecret(ring, "secret of A", AT);
    expect(() => decryptSecret(ring, ciphertext, keyId, { ...AT, row: "PLAT-B" })).toThrow(
      /authentication failed for platforms.secret of PLAT-B .*copied from another row or column/,
    );
    expect(() => decryptSecret(ring, ciphertext, keyId, { ...AT, column: "webhook_secret" })).toThrow(
      /authentication failed/,
    );
    expect(() => decryptSecret(ring, ciphertext, keyId, { ...AT, table: "vendor_sessions" })).toThrow(
      /authentication failed/,
    );
  });

  it("still decrypts the first format (no prefix, no associated data), wherever it is read", () => {
    const hex = hexKey();
    const ring = keyringFromHex(hex);
    // Written as the hub did before v2: base64url(iv | tag | data), AES-256-GCM without AAD.
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", Buffer.from(hex, "hex"), iv);
    const data = Buffer.concat([cipher.update("legacy secret", "utf8"), cipher.final()]);
    const legacy = Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64url");
    expect(decryptSecret(ring, legacy, ring.current.id, AT)).toBe("legacy secret");
    expect(isCurrentSeal(ring, legacy, ring.current.id)).toBe(false);
  });

  it("tells what a rewrap must upgrade: another key or the first format", () => {
    const oldHex = hexKey();
    const old = encryptSecret(keyringFromHex(oldHex), "x", AT);
    const ring = keyringFromHex(hexKey(), [oldHex]);
    expect(isCurrentSeal(ring, old.ciphertext, old.keyId)).toBe(false);
    const fresh = encryptSecret(ring, "x", AT);
    expect(isCurrentSeal(ring, fresh.ciphertext, fresh.keyId)).toBe(true);
  });
});
