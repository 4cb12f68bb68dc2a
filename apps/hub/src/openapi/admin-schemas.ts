/**
 * Shapes of the admin API's answers. Requests are validated by the routes' own zod schemas (the
 * document imports those); answers are built by view functions, so their shapes are written
 * here once, and tests parse real answers with them so they cannot drift.
 */
import { DELIVERY_STATUSES, HTTP_STATUS_MODES, PLATFORM_EVENTS } from "@yunlian/db";
import { z } from "zod";

const iso = z.iso.datetime({ offset: true });
const isoOrNull = iso.nullable();

export const PlatformView = z.strictObject({
  platId: z.string(),
  name: z.string(),
  manufacturerCodes: z.array(z.string()),
  adapter: z.string(),
  adapterConfig: z.unknown(),
  apiBaseUrl: z.string().nullable(),
  verifyUrl: z.string().nullable(),
  dataGatewayUrl: z.string().nullable(),
  ingestUrl: z
    .string()
    .nullable()
    .describe(
      "A vendor's ingestUrl: HUB_PUBLIC_URL + /v1/dataservices/dataGateway/ + a secret segment. Its cloud POSTs status reports there with no PlatID or AppID header (standard table 50 gives the report none); in mode none the URL is the credential, hmac and mtls still sign or present their certificate. Changes at rotation. null for an app platform (no manufacturerCodes).",
    ),
  vendorAppId: z
    .string()
    .nullable()
    .describe("The AppID this platform issued to the hub (register body's appId)"),
  appId: z.string().describe("The AppID the hub issued to this platform: send it in the AppID header"),
  security: z.strictObject({ mode: z.enum(["none", "hmac", "mtls"]), certFingerprints: z.array(z.string()) }),
  httpStatus: z
    .enum(HTTP_STATUS_MODES)
    .describe(
      "The HTTP status of the hub's /v1 answers to this platform: mirror (default) makes it the RetCode (RetCode 404 → HTTP 404); always200 answers HTTP 200 with the same RetCode/RetInfo body, for a client built to the letter of the standard (docs/design.md §3.3)",
    ),
  events: z
    .array(z.enum(PLATFORM_EVENTS))
    .describe(
      'Deliveries the platform opted in to besides status reports: "opResult" sends each of its devices/op outcomes to its dataGatewayUrl (DataType "opResult", see the opResult webhook; docs/design.md §7)',
    ),
  dataGatewayDisabledAt: isoOrNull,
  sandbox: z
    .boolean()
    .describe(
      "In the sandbox namespace: its users, bindings and devices never mix with production platforms' (a device of the other namespace is refused with RetCode 403), what it receives carries the header Yunlian-Sandbox: 1, and its rate limit is HUB_SANDBOX_RATE_LIMIT. Set at registration; only promotion ends it (docs/design.md §7)",
    ),
  promotedAt: isoOrNull.describe("When an operator promoted it from the sandbox; null if it never was"),
  createdAt: iso,
  updatedAt: iso,
});

const appSecret = z
  .string()
  .describe(
    "whsec_… The platform signs its requests to the hub with it: Standard Webhooks over `webhook-id.webhook-timestamp.METHOD path\\nbody`. Shown only here and at rotation.",
  );
const webhookSecret = z
  .string()
  .describe(
    "whsec_ + base64 of 32 random bytes. The hub signs what it sends to the platform (status-report deliveries, verify calls) with it: plain Standard Webhooks over `webhook-id.webhook-timestamp.body`. Shown only here and at rotation.",
  );

export const PlatformCreated = PlatformView.extend({ appSecret, webhookSecret });

export const PlatformList = z.strictObject({ platforms: z.array(PlatformView) });

export const SecretRotated = z.strictObject({
  appSecret,
  webhookSecret,
  previousSecretValidUntil: isoOrNull.describe(
    "Until then the previous appSecret still verifies on the standard API (/v1, never on self-service), a vendor's previous ingestUrl still takes reports, and webhooks carry a second signature made with the previous webhookSecret; null when the operator ended the grace at once (graceSeconds 0)",
  ),
  ingestUrl: z.string().optional().describe("A vendor's new ingestUrl (absent for an app platform)"),
});

export const PlatformPromoted = z.strictObject({
  platform: PlatformView,
  appSecret,
  webhookSecret,
  ingestUrl: z.string().optional().describe("A vendor's new ingestUrl (absent for an app platform)"),
  certifiedAt: isoOrNull.describe("When the platform was certified; null when it was promoted with force"),
  forced: z.boolean().describe("Promoted without a certification, by the operator's force (audited so)"),
  removed: z
    .strictObject({
      users: z.number().int(),
      bindings: z.number().int(),
      grants: z.number().int(),
      devices: z.number().int().describe("Device shadows of its devices (with their reports and deliveries)"),
    })
    .describe("The sandbox's test data, deleted with the promotion"),
});

const deliveryStatus = z.enum(DELIVERY_STATUSES);

const DeliveryView = z.strictObject({
  id: z.string().describe("The webhook-id, the same on every attempt"),
  reportId: z.number().int(),
  platId: z.string(),
  udeviceId: z.string(),
  status: deliveryStatus,
  attempts: z
    .number()
    .int()
    .describe("Attempts made, across replays (a replay restarts the retry schedule, not this count)"),
  nextAttemptAt: isoOrNull,
  lastError: z.string().nullable(),
  lastHttpStatus: z.number().int().nullable(),
  deliveredAt: isoOrNull,
  createdAt: iso,
  updatedAt: iso,
});

export const DeliveryPage = z.strictObject({
  deliveries: z.array(DeliveryView),
  nextCursor: z.string().nullable().describe("Pass back as cursor for the next (older) page"),
});

export const DeliveryDetail = DeliveryView.extend({
  attempts: z.array(
    z.strictObject({
      attempt: z.number().int(),
      startedAt: iso,
      durationMs: z.number().int(),
      httpStatus: z.number().int().nullable(),
      retCode: z.string().nullable(),
      error: z.string().nullable(),
    }),
  ),
});

export const ReplayAccepted = z.strictObject({ id: z.string(), status: z.literal("pending") });
export const BulkReplayAccepted = z.strictObject({ replayed: z.number().int() });

const codeName = z.strictObject({ code: z.string(), zh: z.string(), en: z.string() });

export const DeviceAdminView = z.strictObject({
  udeviceId: z.string(),
  decoded: z.strictObject({
    manufacturerCode: z.string(),
    applianceClass: codeName,
    category: codeName,
    subCategory: codeName,
    vendorPart: z.string(),
  }),
  owner: z.strictObject({ platId: z.string(), name: z.string() }).nullable(),
  shadow: z
    .strictObject({
      attrs: z.record(z.string(), z.unknown()),
      online: z.boolean().nullable(),
      lastAlarm: z.record(z.string(), z.unknown()).nullable(),
      lastAlarmAt: isoOrNull,
      lastReportAt: iso,
    })
    .nullable(),
  reports: z.array(
    z.strictObject({
      id: z.number().int(),
      dataType: z.enum(["attr", "alarm", "onOffline"]),
      deviceStatus: z.record(z.string(), z.unknown()),
      reportedAt: isoOrNull,
      receivedAt: iso,
    }),
  ),
  subscribers: z.array(
    z.strictObject({ platId: z.string(), dataGatewayUrl: z.string().nullable(), disabled: z.boolean() }),
  ),
});

/** GET /admin/v1/drift (services/reconcile/drift-query.ts, docs/adr/0011). */
export const DriftView = z.strictObject({
  vendors: z
    .array(
      z.strictObject({
        vendorPlatId: z.string(),
        name: z.string(),
        pollsTotal: z
          .number()
          .int()
          .describe(
            "Reconciliation calls that got an answer, over every process that reconciles (workers, or hubs that deliver)",
          ),
        driftTotal: z
          .number()
          .int()
          .describe("Device states found different from the shadow: status reports the vendor did not send"),
        lastDriftAt: isoOrNull,
      }),
    )
    .describe("Each vendor reconciliation has polled, most drift first"),
  bindings: z
    .array(
      z.strictObject({
        userId: z.string(),
        deviceId: z.string().describe("The UDeviceID"),
        platId: z.string().describe("The user's platform"),
        vendorPlatId: z.string(),
        detectedAt: iso,
      }),
    )
    .describe(
      "Bindings the hub holds that the vendor no longer lists for that user (users/devices); never unbound silently. Oldest first, at most 500",
    ),
});

export const AuditPage = z.strictObject({
  entries: z.array(
    z.strictObject({
      id: z.number().int(),
      at: iso,
      actor: z
        .string()
        .describe(
          '"operator:<key name>" ("operator:bootstrap" for HUB_ADMIN_TOKEN), "platform:<platId>" or "anonymous"',
        ),
      action: z.string(),
      target: z.string().nullable(),
      outcome: z.enum(["ok", "denied", "failed"]),
      detail: z.record(z.string(), z.unknown()),
    }),
  ),
  nextCursor: z.string().nullable(),
});

/**
 * Query of GET /admin/v1/audit, as routes/admin/audit.ts validates it (its schema is
 * module-private; export it there and point the document at it).
 */
export const AuditQuery = z.strictObject({
  actor: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      '"operator:<key name>" ("operator:bootstrap" for HUB_ADMIN_TOKEN), "platform:<platId>" or "anonymous"',
    ),
  action: z.string().min(1).max(200).optional().describe("Exact, or a prefix ending in * (platform.*)"),
  from: iso.optional(),
  to: iso.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z
    .string()
    .regex(/^c\d{1,18}$/)
    .optional(),
});

export const Health = z.strictObject({ status: z.literal("ok") });

const OperatorKeyView = z.strictObject({
  id: z.string().describe("opk_…: stable, also accepted by DELETE"),
  name: z.string().describe("What the audit log calls the key: its entries have actor `operator:<name>`"),
  scope: z
    .enum(["read", "admin"])
    .describe("read: GET on the admin API and /metrics, a read-only console; admin: everything"),
  createdBy: z.string().describe("The actor that created it"),
  createdAt: z.string(),
  revokedAt: isoOrNull.describe("When it was revoked (it stopped working then); null while active"),
});

export const OperatorKey = OperatorKeyView;
export const OperatorKeyCreated = OperatorKeyView.extend({
  secret: z
    .string()
    .describe(
      "yko_ + 43 base64url characters (256 random bits). Send it as `Authorization: Bearer`. Shown only here: the hub keeps its SHA-256.",
    ),
});
export const OperatorKeyList = z.strictObject({ keys: z.array(OperatorKeyView) });

export const SecretsRewrapped = z.strictObject({
  keyId: z
    .string()
    .describe("The id of the current HUB_SECRET_KEY, which every stored secret is now sealed with"),
  rewrapped: z
    .record(z.string(), z.number().int())
    .describe("How many sealed values were re-encrypted, per table and column"),
  failed: z
    .array(z.strictObject({ place: z.string(), reason: z.string() }))
    .describe(
      "Values that did not decrypt (left unchanged): keep HUB_SECRET_KEY_PREVIOUS until this is empty",
    ),
});
