import { createHmac, randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signWebhook, webhookHeaders } from "../src/attempt/signing.ts";

describe("webhook signing", () => {
  it("is HMAC-SHA256 over id.timestamp.body with the secret's key, as the Standard Webhooks spec says", () => {
    const bodies = ["", "{}", '{"DeviceID":"x","DeviceStatus":{"温度":"25°C"}}', "a".repeat(5_000)];
    for (let i = 0; i < 20; i++) {
      const key = randomBytes(8 + i);
      const body = bodies[i % bodies.length] ?? "";
      const at = new Date(1_700_000_000_000 + i * 1_234);
      const id = `msg_${i}`;
      const expected = createHmac("sha256", key)
        .update(`${id}.${Math.floor(at.getTime() / 1000)}.${body}`)
        .digest("base64");
      expect(signWebhook(`whsec_${key.toString("base64")}`, id, at, body)).toBe(`v1,${expected}`);
    }
  });

  it("headers verify with the library, with both secrets during a rotation", () => {
    const current = `whsec_${randomBytes(24).toString("base64")}`;
    const previous = `whsec_${randomBytes(24).toString("base64")}`;
    const body = '{"RetCode":"200"}';
    const headers = webhookHeaders("msg_abc", new Date(), body, [current, previous]);
    expect(new Webhook(current).verify(body, headers)).toEqual({ RetCode: "200" });
    expect(new Webhook(previous).verify(body, headers)).toEqual({ RetCode: "200" });
  });

  it("gives the hub-to-platform test vector of docs/design.md §7 (content = body)", () => {
    const body = '{"PlatID":"APP-P","UserID":"U1","Device":[]}';
    const at = new Date(1614265330 * 1000);
    expect(
      signWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", at, body),
    ).toBe("v1,mJD1E29rof4YLKrReVzYojtlN1q6WTQU7TLuhTquPtw=");
  });

  it("refuses a malformed secret, like the library", () => {
    expect(() => signWebhook("whsec_", "msg_1", new Date(), "{}")).toThrow();
  });
});
