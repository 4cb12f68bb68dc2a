import { RetCode } from "@yunlian/protocol";
import { errorExamples } from "./error-examples.ts";
import { errorResponses } from "./operation.ts";

/** What each RetCode means (docs/design.md §3.3); the HTTP status is the same number. */
const RET_CODE_MEANING: Record<RetCode, string> = {
  "200": "OK (the standard)",
  "400": "Invalid input; RetInfo names the field",
  "401": "Missing, expired or unknown token or signature",
  "403": "Not allowed: device not bound to this user, another tenant's resource",
  "404": "Unknown device, manufacturer, user or resource",
  "405": "Known path, wrong method (Allow header lists the right one)",
  "409": "Conflict: device bound to an untrusted user, code already owned",
  "413": "Request body too large",
  "429": "Rate limited (Retry-After)",
  "500": "Business failure (the standard)",
  "502": "The vendor cloud answered wrongly",
  "504": "The vendor cloud timed out",
};

/** The RetCode table as a schema: one `const` per code, with its meaning as the title. */
export function retCodeSchema() {
  return {
    type: "string",
    description:
      'Result code, always a string. The standard defines "200" and "500"; the hub adds the others. The HTTP status mirrors it, except for a platform registered with httpStatus "always200", which gets HTTP 200 on every /v1 answer (docs/design.md §3.3).',
    oneOf: Object.values(RetCode).map((code) => ({ const: code, title: RET_CODE_MEANING[code] })),
  };
}

const SIGNATURE_NOTE =
  'Security mode `hmac` (the default): `webhook-signature: v1,<base64 HMAC-SHA256(key, content)>`, key = the base64 after `whsec_` of the hub-issued appSecret, content = `webhook-id + "." + webhook-timestamp + "." + METHOD + " " + path + "\\n" + body` — METHOD upper case, path the request target with its query string as sent (e.g. `POST /v1/devices/op`; behind a proxy, with the path of the hub\'s public URL), body the raw bytes (empty for a GET). With a Standard Webhooks library: `sign(id, timestamp, METHOD + " " + path + "\\n" + body)`. Each webhook-id is accepted once. What the hub sends to a platform (deliveries, verify calls) is signed the plain Standard Webhooks way (content `id.timestamp.body`) with another secret, the platform\'s webhookSecret.';

export const securitySchemes = {
  operatorToken: {
    type: "http",
    scheme: "bearer",
    description:
      "The operator token: HUB_ADMIN_TOKEN (generated into the data folder when unset), or a named operator key (yko_…, scope read or admin; see /admin/v1/operator-keys).",
  },
  requestSignature: {
    type: "http",
    scheme: "signature",
    description: `Security mode \`hmac\` (the default). Not a static key: the client computes a signature for each request and sends it in the webhook-id, webhook-timestamp and webhook-signature header parameters each operation lists. ${SIGNATURE_NOTE}`,
  },
  mutualTLS: {
    type: "mutualTLS",
    description:
      "Security mode `mtls`: the client certificate's SHA-256 fingerprint must be one of the platform's certFingerprints; header parameters may then be omitted.",
  },
  appId: {
    type: "apiKey",
    in: "header",
    name: "AppID",
    description:
      "Security mode `none`: the PlatID header and the AppID the hub issued, nothing else. Platforms in mode `hmac` (the default) sign every request instead: the webhook-id, webhook-timestamp and webhook-signature header parameters, computed per request (see webhook-signature), are not a key a client can set once.",
  },
};

/**
 * Security requirement alternatives of a platform calling the standard API, one per security.mode:
 * a per-request signature (`hmac`), a client certificate (`mtls`), the AppID (`none`). A signature
 * is not a static credential, so its headers are also header parameters of each operation
 * (signatureHeaderParameters): generators turn those into per-call headers, not a fixed key.
 */
export const platformSecurity = [{ requestSignature: [] }, { mutualTLS: [] }, { appId: [] }];

/** The per-request signature headers (security mode hmac), as `#/components/parameters`. */
export const signatureHeaderParameters = {
  WebhookId: {
    name: "webhook-id",
    in: "header",
    required: false,
    description: `Security mode hmac: a unique message id, new for every request (e.g. \`msg_\` + a UUID); at most 256 characters; each is accepted once. ${SIGNATURE_NOTE}`,
    schema: { type: "string", maxLength: 256 },
    example: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
  },
  WebhookTimestamp: {
    name: "webhook-timestamp",
    in: "header",
    required: false,
    description:
      "Security mode hmac: the time of this request in Unix seconds; a timestamp more than 5 minutes from the hub's clock is refused (replay protection). Signed, with the webhook-id, the method, the path and the body.",
    schema: { type: "string", pattern: "^[0-9]{1,12}$" },
    example: "1767601800",
  },
  WebhookSignature: {
    name: "webhook-signature",
    in: "header",
    required: false,
    description: `Security mode hmac: computed for each request. ${SIGNATURE_NOTE}`,
    schema: { type: "string" },
    example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
  },
};

/** What the OpenAPI document carries as `x-signing`: the recipe, for tools that read extensions. */
export const signingRecipe = {
  headers: ["webhook-id", "webhook-timestamp", "webhook-signature"],
  algorithm: "HMAC-SHA256",
  key: "base64-decode(appSecret without its whsec_ prefix)",
  content: 'webhook-id + "." + webhook-timestamp + "." + METHOD + " " + path + "\\n" + body',
  signature: "v1, + base64(HMAC)",
  library: 'new Webhook(appSecret).sign(id, new Date(timestamp * 1000), METHOD + " " + path + "\\n" + body)',
};

export const commonHeaderParameters = {
  PlatID: {
    name: "PlatID",
    in: "header",
    required: false,
    description:
      "The caller's platform ID. The standard also spells it PlateID; both are accepted. Which interfaces require it is said per operation (with mutual TLS the header parameters may be omitted).",
    schema: { type: "string", maxLength: 64 },
    example: "MB-JDAPP-0000",
  },
  AppID: {
    name: "AppID",
    in: "header",
    required: false,
    description:
      "The AppID the hub issued to the caller at registration. Required for a platform in security mode `none` (with PlatID, all it authenticates with); checked whenever sent.",
    schema: { type: "string" },
    example: "17592186044420",
  },
  "Idempotency-Key": {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description:
      "An extension (docs/design.md §7), on devices/op, user/bindDevices and user/unbindDevices: 1-128 printable ASCII characters. The same key from the same platform within 24 h gets the first answer again (header Idempotent-Replayed: true) without a second vendor call, waiting while the first request is still being served; the same key with a different request (after normalisation: key order and whitespace do not matter) is 409.",
    schema: { type: "string", minLength: 1, maxLength: 128 },
    example: "2f9c1e7a-op-retry-1",
  },
  AccessToken: {
    name: "AccessToken",
    in: "header",
    required: false,
    description: "Issued by the hub at user/login; required for devices/op, user/logout and user/unregister.",
    schema: { type: "string" },
    example: "TGT-5-e5tcvcZhlBxMSwN6Wnp9uWRU",
  },
};

/** `#/components/responses`: each error status with the RetCode body and answers the hub really gives. */
export function errorResponseComponents() {
  return Object.fromEntries(
    Object.entries(errorResponses).map(([name, e]) => [
      name,
      {
        description: e.description,
        content: {
          "application/json": {
            schema: { $ref: "#/components/schemas/RetBody" },
            examples: Object.fromEntries(
              (errorExamples[e.status] ?? []).map((x) => [
                x.key,
                { summary: x.summary, value: { RetCode: e.status, RetInfo: x.retInfo } },
              ]),
            ),
          },
        },
      },
    ]),
  );
}
