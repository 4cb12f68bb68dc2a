import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, keyringFromHex } from "../src/index.ts";

const hexKey = () => randomBytes(32).toString("hex");

describe("keyring", () => {
  it("round-trips a secret and reports the current key id", () => {
    const ring = keyringFromHex(hexKey());
    const { ciphertext, keyId } = encryptSecret(ring, "vendor-token-é✓");
    expect(keyId).toBe(ring.current.id);
    expect(keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(ciphertext).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decryptSecret(ring, ciphertext, keyId)).toBe("vendor-token-é✓");
  });

  it("uses a fresh IV each time", () => {
    const ring = keyringFromHex(hexKey());
    expect(encryptSecret(ring, "same").ciphertext).not.toBe(encryptSecret(ring, "same").ciphertext);
  });

  it("detects tampering", () => {
    const ring = keyringFromHex(hexKey());
    const { ciphertext, keyId } = encryptSecret(ring, "secret");
    const raw = Buffer.from(ciphertext, "base64url");
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => decryptSecret(ring, raw.toString("base64url"), keyId)).toThrow(/authentication failed/);
    expect(() => decryptSecret(ring, "abc", keyId)).toThrow(/too short/);
  });

  it("rejects an unknown key id and a key that does not match", () => {
    const ring = keyringFromHex(hexKey());
    const other = keyringFromHex(hexKey());
    const { ciphertext, keyId } = encryptSecret(ring, "secret");
    expect(() => decryptSecret(ring, ciphertext, "deadbeef")).toThrow(/unknown key id/);
    expect(() => decryptSecret(other, ciphertext, keyId)).toThrow(/unknown key id/);
  });

  it("decrypts with an older key after rotation", () => {
    const oldHex = hexKey();
    const oldRing = keyringFromHex(oldHex);
    const sealed = encryptSecret(oldRing, "written before rotation");
    const rotated = keyringFromHex(hexKey(), [oldHex]);
    expect(rotated.current.id).not.toBe(oldRing.current.id);
    expect(decryptSecret(rotated, sealed.ciphertext, sealed.keyId)).toBe("written before rotation");
    expect(encryptSecret(rotated, "new").keyId).toBe(rotated.current.id);
  });

  it("rejects keys of the wrong length or alphabet with a clear error", () => {
    expect(() => keyringFromHex("abcd")).toThrow(/HUB_SECRET_KEY must be 64 hex characters/);
    expect(() => keyringFromHex("z".repeat(64))).toThrow(/non-hex/);
    expect(() => keyringFromHex(hexKey(), ["12"])).toThrow(/older secret key #1/);
  });
});
