import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signWebhook, webhookHeaders } from "../src/attempt/signing.ts";

describe("webhook signing", () => {
  it("matches the standardwebhooks library for any secret and body", () => {
    const bodies = ["", "{}", '{"DeviceID":"x","DeviceStatus":{"温度":"25°C"}}', "a".repeat(5_000)];
    for (let i = 0; i < 50; i++) {
      const secret = `whsec_${randomBytes(8 + i).toString("base64")}`;
      const body = bodies[i % bodies.length] ?? "";
      const at = new Date(1_700_000_000_000 + i * 1_234);
      const id = `msg_${i}`;
      expect(signWebhook(secret, id, at, body)).toBe(new Webhook(secret).sign(id, at, body));
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

  it("refuses a malformed secret, like the library", () => {
    expect(() => signWebhook("whsec_", "msg_1", new Date(), "{}")).toThrow();
  });
});
