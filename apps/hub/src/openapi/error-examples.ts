/**
 * Error answers as the hub really words them, per RetCode, for `#/components/responses`. The
 * values are the hub's own RetInfo texts with example names filled in; openapi.client.test.ts
 * provokes several of them and compares the answer with the example.
 */
export interface ErrorExample {
  key: string;
  summary: string;
  retInfo: string;
}

export const errorExamples: Record<string, ErrorExample[]> = {
  "400": [
    {
      key: "missingFields",
      summary: "A required field is missing (user/bindDevices with `{}`)",
      retInfo: "UserID: required; Device: required",
    },
  ],
  "401": [
    {
      key: "badSignature",
      summary: "The webhook-signature does not match the request",
      retInfo:
        "request signature rejected: No matching signature found (signed: webhook-id.webhook-timestamp.METHOD path\\nbody, docs/design.md §7)",
    },
    {
      key: "unsigned",
      summary: "A platform in mode hmac sent no signature",
      retInfo:
        "this platform signs its requests: webhook-id, webhook-timestamp and webhook-signature are required",
    },
    {
      key: "replayed",
      summary: "The same webhook-id a second time",
      retInfo: "webhook-id msg_2KWPBgLlAfxdpx2AI54pPJ85f4W was already used: replayed request refused",
    },
    {
      key: "expiredToken",
      summary: "devices/op with an AccessToken past its lifetime",
      retInfo: "AccessToken has expired: log in again",
    },
    {
      key: "adminToken",
      summary: "The admin API without a bearer token",
      retInfo: "admin API: send Authorization: Bearer <HUB_ADMIN_TOKEN or an operator key>",
    },
  ],
  "403": [
    {
      key: "notBound",
      summary: "devices/op on a device the user has not bound",
      retInfo: "device(s) not bound to UserID 100013954770780042: 0000060102002001C89346112DD5",
    },
    {
      key: "otherNamespace",
      summary: "A production app naming a sandbox vendor's device (sandbox and production never mix)",
      retInfo:
        "device 0000080102002001C89346112DD5: its vendor SBX-VENDOR-01 is a sandbox platform and APP-PLAT-0001 is a production one; sandbox and production never mix",
    },
    {
      key: "readKey",
      summary: "A change asked with an operator key of scope read",
      retInfo: "operator key grafana has scope read: GET only",
    },
  ],
  "404": [
    {
      key: "platform",
      summary: "An unknown PlatID on the admin API",
      retInfo: "platform NOPE-0000 not found",
    },
    {
      key: "delivery",
      summary: "An unknown delivery id",
      retInfo: "delivery msg_unknown not found",
    },
    {
      key: "manufacturer",
      summary: "A UDeviceID whose manufacturer code no vendor owns",
      retInfo: "device 9999990102002001C89346112DD5: no registered vendor owns manufacturer code 999999",
    },
  ],
  "409": [
    {
      key: "platformExists",
      summary: "Registering a PlatID twice",
      retInfo: "platform APP-PLAT-0001 already exists",
    },
    {
      key: "codeOwned",
      summary: "A manufacturer code another vendor owns",
      retInfo: "manufacturer code 000006 is already owned by PARTNER-HAIER-0000",
    },
    {
      key: "notCertified",
      summary: "Promoting a sandbox platform that is not certified, without force",
      retInfo:
        'platform PARTNER-ACME-0000 is not certified: run a certification against its cloud first, or promote with {"force": true}',
    },
    {
      key: "notReplayable",
      summary: "Replaying a delivery that was delivered",
      retInfo:
        "delivery msg_3f1c2a4e-9b7d-4c1e-8a2f-6d5e4c3b2a10 is delivered: only failed or dead deliveries are replayed",
    },
  ],
  "413": [
    {
      key: "tooLarge",
      summary: "A body over HUB_MAX_BODY_BYTES (1 MiB by default)",
      retInfo: "request body is larger than 1048576 bytes",
    },
  ],
  "429": [
    {
      key: "platformRate",
      summary: "The platform's request budget is spent (Retry-After says when to come back)",
      retInfo: "rate limit of platform APP-PLAT-0001 exceeded: retry after 1 s",
    },
    {
      key: "sandboxRate",
      summary: "A sandbox platform's lower budget (HUB_SANDBOX_RATE_LIMIT) is spent",
      retInfo: "rate limit of sandbox platform SBX-APP-0001 exceeded: retry after 6 s",
    },
    {
      key: "failedAuth",
      summary: "Too many failed authentications from one address",
      retInfo: "too many failed authentications from this address: retry after 30 s",
    },
  ],
  "500": [
    {
      key: "business",
      summary: "A business failure the vendor cloud reported",
      retInfo: "could not create the hub user",
    },
  ],
  "502": [
    {
      key: "noAdapter",
      summary: "The vendor cloud cannot be reached through its adapter",
      retInfo: "vendor PARTNER-HAIER-0000 has no usable adapter or apiBaseUrl",
    },
  ],
  "504": [
    {
      key: "timeout",
      summary: "The vendor cloud did not answer in time",
      retInfo: "vendor PARTNER-HAIER-0000 timed out: https://vendor.example did not answer within 5000 ms",
    },
  ],
};
