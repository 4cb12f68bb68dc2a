import { describe, expect, it } from "vitest";
import { redactBody, redactHeaders } from "./redact.ts";

describe("certification report redaction", () => {
  it("masks credential headers whatever their case, and keeps the rest", () => {
    expect(
      redactHeaders({
        AccessToken: "t0k",
        "webhook-signature": "v1,abc",
        Authorization: "Bearer x",
        PlatID: "HUB",
      }),
    ).toEqual({ AccessToken: "***", "webhook-signature": "***", Authorization: "***", PlatID: "HUB" });
  });

  it("masks credential fields at any depth of a JSON body, keys trimmed as the hub reads them", () => {
    const body = JSON.stringify({
      User: [{ UserBase: { loginID: "u1" } }],
      "AuthToken ": "secret-1",
      nested: { client_secret: "s", access_token: "a", keep: "k" },
    });
    const out = redactBody(body);
    expect(out).not.toContain("secret-1");
    expect(JSON.parse(out)).toMatchObject({
      "AuthToken ": "***",
      nested: { client_secret: "***", access_token: "***", keep: "k" },
    });
    expect(out).toContain('"loginID":"u1"');
  });

  it("keeps a non-JSON body as text and cuts a long one", () => {
    expect(redactBody("plain")).toBe("plain");
    const long = redactBody("x".repeat(5000));
    expect(long.length).toBeLessThan(2100);
    expect(long).toContain("(5000 characters)");
  });
});
