import { keyringFromHex } from "@yunlian/secrets";
import { describe, expect, it } from "vitest";
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
    const sealed = sealSecrets(config, keyring);
    const text = JSON.stringify(sealed);
    expect(text).not.toContain("s3cret");
    expect(text).not.toContain('"p"');
    expect(text).toContain('"clientId":"hub"');
    expect((sealed as { nested: { timeoutMs: number } }).nested.timeoutMs).toBe(5000);
    expect(openSecrets(sealed, keyring)).toEqual(config);
  });
});
