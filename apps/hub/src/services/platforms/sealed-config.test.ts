import { keyringFromHex } from "@yunlian/secrets";
import { describe, expect, it } from "vitest";
import { redactSecrets, restoreRedacted } from "../../security/redact.ts";
import { openSecrets, sealSecrets } from "./sealed-config.ts";

describe("sealed adapterConfig", () => {
  const keyring = keyringFromHex("ab".repeat(32));
  const config = {
    clientId: "hub",
    clientSecret: "s3cret",
    nested: { apiKey: "k", timeoutMs: 5000 },
    list: [{ password: "p" }],
  };

  it("encrypts secret-looking strings at any depth and gives them back", () => {
    const sealed = sealSecrets(config, keyring, "P");
    const text = JSON.stringify(sealed);
    expect(text).not.toContain("s3cret");
    expect(text).not.toContain('"p"');
    expect(text).toContain('"clientId":"hub"');
    expect((sealed as { nested: { timeoutMs: number } }).nested.timeoutMs).toBe(5000);
    expect(openSecrets(sealed, keyring, "P")).toEqual(config);
  });

  it("binds each sealed value to its platform and its path (issue 14: no swapping)", () => {
    const sealed = sealSecrets(config, keyring, "P") as {
      clientSecret: unknown;
      nested: Record<string, unknown>;
    };
    expect(() => openSecrets(sealed, keyring, "OTHER")).toThrow(/authentication failed/);
    const moved = { ...sealed, nested: { ...sealed.nested, apiKey: sealed.clientSecret } };
    expect(() => openSecrets(moved, keyring, "P")).toThrow(/authentication failed/);
  });
});

describe("keys named after Object.prototype's members (issue 14: request input never finds them)", () => {
  const keyring = keyringFromHex("ab".repeat(32));
  // JSON.parse makes "__proto__" an own key, as the admin API's body parser does.
  const body = JSON.parse('{"__proto__":{"apiKey":"k"},"constructor":{"token":"t"},"a":1}');

  it("sealing keeps a __proto__ key as a key, its secrets sealed", () => {
    const sealed = sealSecrets(body, keyring, "P");
    const text = JSON.stringify(sealed);
    expect(Object.keys(sealed as object)).toEqual(["__proto__", "constructor", "a"]);
    expect(text).not.toContain('"k"');
    expect(openSecrets(JSON.parse(text), keyring, "P")).toEqual(body);
  });

  it("redacting and restoring keep a __proto__ key and read only own stored keys", () => {
    const redacted = redactSecrets(body);
    expect(JSON.stringify(redacted)).toBe(
      '{"__proto__":{"apiKey":"***"},"constructor":{"token":"***"},"a":1}',
    );
    expect(JSON.stringify(restoreRedacted(redacted, body))).toBe(JSON.stringify(body));
    // "***" under a secret key whose stored config has no such own key stays "***".
    expect(restoreRedacted({ toStringToken: "***" }, {})).toEqual({ toStringToken: "***" });
  });
});
