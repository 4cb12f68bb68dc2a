import { requestSigningContent } from "@yunlian/protocol";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { requestSignatureProblem } from "./request-signature.ts";
import { signedHeaders } from "./sign.ts";

// The test vectors of docs/design.md §7, exactly.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP = 1614265330;
const BODY = '{"PlatID":"APP-P","UserID":"U1","Device":[]}';
const TO_HUB = "v1,wS8nLP09rwln45UTii/DfQ3DhlkSDaVsFReUpqKt0cM=";
const TO_PLATFORM = "v1,mJD1E29rof4YLKrReVzYojtlN1q6WTQU7TLuhTquPtw=";

const headers = (signature: string) => ({
  "webhook-id": ID,
  "webhook-timestamp": String(TIMESTAMP),
  "webhook-signature": signature,
});

describe("signatures: the test vectors of docs/design.md §7", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(TIMESTAMP * 1000 + 30_000));
  });
  afterEach(() => vi.useRealTimers());

  it("a platform's request: sign(id, time, METHOD + ' ' + path + '\\n' + body)", () => {
    const content = requestSigningContent("POST", "/v1/devices/op", BODY);
    expect(new Webhook(SECRET).sign(ID, new Date(TIMESTAMP * 1000), content)).toBe(TO_HUB);
  });

  it("the hub verifies that signature for that method and path only", () => {
    const request = { method: "POST", target: "/v1/devices/op", body: BODY };
    expect(requestSignatureProblem([SECRET], request, headers(TO_HUB))).toBeUndefined();
    for (const other of [
      { ...request, target: "/admin/v1/self/secret" },
      { ...request, method: "PUT" },
      { ...request, target: "/v1/devices/op?x=1" },
      { ...request, body: `${BODY} ` },
    ]) {
      expect(requestSignatureProblem([SECRET], other, headers(TO_HUB))).toMatch(/No matching signature/);
    }
  });

  it("the hub's webhook to a platform: plain Standard Webhooks, payload = body", () => {
    expect(signedHeaders([SECRET], BODY, ID, new Date(TIMESTAMP * 1000))).toEqual(headers(TO_PLATFORM));
  });

  it("a webhook's signature is never accepted as a request to the hub", () => {
    const request = { method: "POST", target: "/v1/devices/op", body: BODY };
    expect(requestSignatureProblem([SECRET], request, headers(TO_PLATFORM))).toMatch(/No matching signature/);
  });

  it("keeps the library's ±5 minute tolerance", () => {
    vi.setSystemTime(new Date((TIMESTAMP + 301) * 1000));
    const request = { method: "POST", target: "/v1/devices/op", body: BODY };
    expect(requestSignatureProblem([SECRET], request, headers(TO_HUB))).toMatch(/too old/);
  });
});
