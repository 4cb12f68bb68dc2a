import { describe, expect, it } from "vitest";
import {
  comparisonDigest,
  newAppSecret,
  newWebhookSecret,
  randomToken,
  sha256Hex,
  timingSafeEqualStr,
  timingSafeEqualToDigest,
} from "../src/index.ts";

describe("tokens", () => {
  it("randomToken is base64url of the requested size", () => {
    const t = randomToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(t, "base64url")).toHaveLength(32);
    expect(randomToken(16)).toHaveLength(22);
    expect(randomToken()).not.toBe(t);
    expect(() => randomToken(4)).toThrow();
  });

  it("sha256Hex matches a known vector", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("timingSafeEqualStr compares strings of any length", () => {
    expect(timingSafeEqualStr("same", "same")).toBe(true);
    expect(timingSafeEqualStr("same", "diff")).toBe(false);
    expect(timingSafeEqualStr("short", "much longer")).toBe(false);
    expect(timingSafeEqualStr("", "")).toBe(true);
  });

  it("timingSafeEqualToDigest compares with a digest computed once, and refuses anything else", () => {
    const digest = comparisonDigest("APP-0001");
    expect(timingSafeEqualToDigest("APP-0001", digest)).toBe(true);
    expect(timingSafeEqualToDigest("APP-0002", digest)).toBe(false);
    expect(timingSafeEqualToDigest("APP-0001 ", digest)).toBe(false);
    // Each position counts: a digest that differs only in its last character is refused.
    const lastChanged = digest.slice(0, -1) + (digest.endsWith("0") ? "1" : "0");
    expect(timingSafeEqualToDigest("APP-0001", lastChanged)).toBe(false);
    expect(timingSafeEqualToDigest("APP-0001", digest.slice(0, 32))).toBe(false);
  });

  it("newAppSecret is a Standard Webhooks secret", () => {
    const s = newAppSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(s.slice(6), "base64")).toHaveLength(24);
  });

  it("newWebhookSecret is whsec_ + base64 of 32 random bytes (docs/design.md §7)", () => {
    const s = newWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(s.slice(6), "base64")).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(s);
  });
});
