import { z } from "zod";
import { createOperatorKeyInput } from "../services/operators/operator-keys.ts";
import {
  promotePlatformInput,
  registerPlatformInput,
  rotateSecretInput,
  updatePlatformInput,
} from "../services/platforms/platform-input.ts";
import { bulkReplayInput, deliveryListQuery } from "../services/reports/delivery-queries.ts";
import { adminAnswerExamples } from "./admin-examples.ts";
import {
  AuditPage,
  AuditQuery,
  BulkReplayAccepted,
  DeliveryDetail,
  DeliveryPage,
  DeviceAdminView,
  DriftView,
  Health,
  OperatorKey,
  OperatorKeyCreated,
  OperatorKeyList,
  PlatformCreated,
  PlatformList,
  PlatformPromoted,
  PlatformView,
  ReplayAccepted,
  SecretRotated,
  SecretsRewrapped,
} from "./admin-schemas.ts";
import { errors, type OperationDoc } from "./operation.ts";

const PLATFORMS = "Admin: platforms";
const DELIVERIES = "Admin: deliveries";
const platIdParam = [{ name: "platId", description: "The platform's PlatID" }];
const deliveryIdParam = [{ name: "id", description: "The delivery id (its webhook-id, msg_…)" }];

/** The register body of docs/design.md §7, as the standard's scenario registers a vendor. */
const registerExample = {
  platId: "PARTNER-HAIER-0000",
  name: "Haier U+",
  manufacturerCodes: ["000006"],
  adapter: "standard",
  adapterConfig: {},
  apiBaseUrl: "https://vendor.example/v1",
  verifyUrl: "https://vendor.example/v1/user/verify",
  dataGatewayUrl: "https://vendor.example/v1/dataservices/dataGateway",
  security: { mode: "hmac" },
};

const KEYS = "Admin: operator keys";

/**
 * The operator's API (`Authorization: Bearer` with HUB_ADMIN_TOKEN or an operator key; a `read`
 * key may call the GET operations only, 403 otherwise).
 */
export function adminOperations(): OperationDoc[] {
  // Every change may also answer 403: an operator key of scope read asked for it.
  const op = (doc: Omit<OperationDoc, "audience">): OperationDoc => ({
    ...doc,
    audience: "operator",
    responses: doc.method === "get" ? doc.responses : { ...doc.responses, ...errors("Forbidden") },
  });
  return [
    {
      method: "get",
      path: "/health",
      operationId: "health",
      tag: "Operations",
      summary: "Liveness and readiness: 200 once the database answers",
      audience: "public",
      responses: {
        "200": {
          description: "Serving",
          body: { name: "Health", schema: Health, examples: adminAnswerExamples.health },
        },
        "503": { description: "The database is unreachable" },
      },
    },
    {
      method: "get",
      path: "/metrics",
      operationId: "metrics",
      tag: "Operations",
      summary:
        "Prometheus metrics: requests by interface, RetCode and vendor; vendor calls; deliveries; breakers",
      description:
        "Send `Authorization: Bearer` with HUB_METRICS_TOKEN or the operator token (401 otherwise): the figures name every platform. Delivery backlog gauges are read from the database at most once per 10 s.",
      audience: "operator",
      responses: {
        "200": {
          description: "The Prometheus text exposition format",
          text: {
            mediaType: "text/plain; version=0.0.4",
            example:
              '# TYPE yunlian_requests_total counter\nyunlian_requests_total{interface="/v1/devices/op",ret_code="200",vendor="VENDOR-A-0000"} 42\n',
          },
        },
      },
    },
    op({
      method: "post",
      path: "/admin/v1/platforms",
      operationId: "admin_registerPlatform",
      tag: PLATFORMS,
      summary: "Register a platform (vendor cloud or app platform)",
      description:
        'manufacturerCodes are owned by at most one platform (a second claim is 409). apiBaseUrl is required with manufacturer codes; verifyUrl for platforms whose users log in through the hub; dataGatewayUrl to receive status reports. The answer carries appId (send it in the AppID header), appSecret (signs the platform\'s requests to the hub) and webhookSecret (verifies what the hub sends the platform); both secrets are shown only here and at rotation. A vendor platform (with manufacturerCodes) also gets its ingestUrl, where its cloud may report status with no headers (standard table 50). adapterConfig is the adapter\'s (the standard adapter: timeoutMs, deviceIds "udevice" | "vendor"); any adapter may set sessionTtl (whole seconds or a duration such as "30m"): the hub logs in to the vendor again before a session is that old. Registering a platform in security mode none logs a warning: it authenticates with PlatID and AppID only. `"sandbox": true` registers it in the sandbox (isolated from production, labelled deliveries, HUB_SANDBOX_RATE_LIMIT) until POST /admin/v1/platforms/{platId}/promote; a manufacturer code has one owner across both namespaces.',
      body: {
        name: "RegisterPlatformInput",
        schema: registerPlatformInput,
        examples: {
          haier: { summary: "A vendor cloud that speaks the standard", value: registerExample },
          sandbox: {
            summary: "A new partner's cloud, in the sandbox until certified and promoted",
            value: {
              ...registerExample,
              platId: "PARTNER-ACME-0000",
              name: "Acme",
              manufacturerCodes: ["000042"],
              apiBaseUrl: "https://sandbox.acme.example/v1",
              verifyUrl: "https://sandbox.acme.example/v1/user/verify",
              dataGatewayUrl: "https://sandbox.acme.example/v1/dataservices/dataGateway",
              sandbox: true,
            },
          },
        },
      },
      responses: {
        "201": {
          description: "Registered",
          body: {
            name: "PlatformCreated",
            schema: PlatformCreated,
            examples: adminAnswerExamples.platformCreated,
          },
        },
        ...errors("Invalid", "Unauthorized", "Conflict"),
      },
    }),
    op({
      method: "get",
      path: "/admin/v1/platforms",
      operationId: "admin_listPlatforms",
      tag: PLATFORMS,
      summary: "List platforms",
      responses: {
        "200": {
          description: "Every platform",
          body: { name: "PlatformList", schema: PlatformList, examples: adminAnswerExamples.platformList },
        },
        ...errors("Unauthorized"),
      },
    }),
    op({
      method: "get",
      path: "/admin/v1/platforms/{platId}",
      operationId: "admin_getPlatform",
      tag: PLATFORMS,
      summary: "One platform",
      pathParams: platIdParam,
      responses: {
        "200": {
          description: "The platform",
          body: { name: "Platform", schema: PlatformView, examples: adminAnswerExamples.platform },
        },
        ...errors("Unauthorized", "NotFound"),
      },
    }),
    op({
      method: "patch",
      path: "/admin/v1/platforms/{platId}",
      operationId: "admin_updatePlatform",
      tag: PLATFORMS,
      summary: "Change any field but platId; omitted fields stay",
      pathParams: platIdParam,
      body: {
        name: "UpdatePlatformInput",
        schema: updatePlatformInput,
        examples: {
          verifyUrl: {
            summary: "Move the verify URL",
            value: { verifyUrl: "https://vendor.example/v2/user/verify" },
          },
        },
      },
      responses: {
        "200": {
          description: "The changed platform",
          body: { name: "Platform", schema: PlatformView, examples: adminAnswerExamples.platform },
        },
        ...errors("Invalid", "Unauthorized", "NotFound", "Conflict"),
      },
    }),
    op({
      method: "delete",
      path: "/admin/v1/platforms/{platId}",
      operationId: "admin_deletePlatform",
      tag: PLATFORMS,
      summary: "Remove a platform with its users, tokens and bindings",
      pathParams: platIdParam,
      responses: { "204": { description: "Removed" }, ...errors("Unauthorized", "NotFound") },
    }),
    op({
      method: "post",
      path: "/admin/v1/platforms/{platId}/secret",
      operationId: "admin_rotateSecret",
      tag: PLATFORMS,
      summary: "Rotate the hub-issued appSecret and webhookSecret",
      description:
        'For graceSeconds (default and at most 86400: 24 h) the previous appSecret still verifies on the standard API (never on self-service), the previous ingestUrl of a vendor still takes reports (the answer carries the new one) and webhooks carry a second signature made with the previous webhookSecret. `{"graceSeconds": 0}` ends the previous secrets at once (a leaked secret). No body is the same as `{}`.',
      pathParams: platIdParam,
      body: {
        name: "RotateSecretInput",
        schema: rotateSecretInput,
        examples: {
          leaked: { summary: "A leaked secret: the old ones stop now", value: { graceSeconds: 0 } },
          planned: { summary: "A planned rotation: 24 h to switch", value: {} },
        },
      },
      responses: {
        "200": {
          description: "The new secrets, shown once",
          body: { name: "SecretRotated", schema: SecretRotated, examples: adminAnswerExamples.secretRotated },
        },
        ...errors("Invalid", "Unauthorized", "NotFound"),
      },
    }),
    op({
      method: "post",
      path: "/admin/v1/platforms/{platId}/promote",
      operationId: "admin_promotePlatform",
      tag: PLATFORMS,
      summary: "Promote a sandbox platform to production",
      description:
        "The platform must be certified (its latest certification run passed every required clause); `{\"force\": true}` promotes it anyway and is audited as forced. It keeps its settings (URLs, adapter, manufacturer codes, security, events) and gets a new appSecret and webhookSecret at once, shown only in this answer: the sandbox secrets stop working (no grace). What it held in the sandbox was test data and is deleted: its users (their tokens and bindings), the bindings of its devices by other sandbox platforms' users, grants it gave or received, its devices' shadows and reports, and the deliveries it was to receive. 409 when it is not certified (without force) or not in the sandbox. No body is the same as `{}`. Audited as platform.promote.",
      pathParams: platIdParam,
      body: {
        name: "PromotePlatformInput",
        schema: promotePlatformInput,
        examples: {
          certified: { summary: "A certified platform", value: {} },
          forced: {
            summary: "Not certified: the operator takes it on (audited as forced)",
            value: { force: true },
          },
        },
      },
      responses: {
        "200": {
          description: "Promoted: its view and its fresh secrets, shown once",
          body: {
            name: "PlatformPromoted",
            schema: PlatformPromoted,
            examples: adminAnswerExamples.promoted,
          },
        },
        ...errors("Invalid", "Unauthorized", "Forbidden", "NotFound", "Conflict"),
      },
    }),
    op({
      method: "get",
      path: "/admin/v1/deliveries",
      operationId: "admin_listDeliveries",
      tag: DELIVERIES,
      summary: "Status-report deliveries, newest first, keyset-paginated",
      query: deliveryListQuery,
      responses: {
        "200": {
          description: "A page",
          body: { name: "DeliveryPage", schema: DeliveryPage, examples: adminAnswerExamples.deliveryPage },
        },
        ...errors("Invalid", "Unauthorized"),
      },
    }),
    op({
      method: "get",
      path: "/admin/v1/deliveries/{id}",
      operationId: "admin_getDelivery",
      tag: DELIVERIES,
      summary: "One delivery with every attempt",
      pathParams: deliveryIdParam,
      responses: {
        "200": {
          description: "The delivery",
          body: {
            name: "DeliveryDetail",
            schema: DeliveryDetail,
            examples: adminAnswerExamples.deliveryDetail,
          },
        },
        ...errors("Unauthorized", "NotFound"),
      },
    }),
    op({
      method: "post",
      path: "/admin/v1/deliveries/{id}/replay",
      operationId: "admin_replayDelivery",
      tag: DELIVERIES,
      summary: "Deliver a dead or failed delivery again (same webhook-id)",
      description:
        "409 when the delivery is not failed or dead, or when its status report is past HUB_RETENTION_REPORTS (reports and settled deliveries are kept by separate clocks): there is nothing left to send.",
      pathParams: deliveryIdParam,
      responses: {
        "202": {
          description: "Pending again",
          body: {
            name: "ReplayAccepted",
            schema: ReplayAccepted,
            examples: adminAnswerExamples.replayAccepted,
          },
        },
        ...errors("Unauthorized", "NotFound", "Conflict"),
      },
    }),
    op({
      method: "post",
      path: "/admin/v1/deliveries/replay",
      operationId: "admin_replayDeliveries",
      tag: DELIVERIES,
      summary: "Replay every failed or dead delivery of one platform created since a time",
      description:
        "In batches of 500 rows. A failed delivery that a worker is attempting at that moment is left to that attempt (it is not waited for), and one whose status report is past HUB_RETENTION_REPORTS is left as it is (nothing to send); the count says how many were replayed.",
      body: {
        name: "BulkReplayInput",
        schema: bulkReplayInput,
        examples: {
          lastDay: {
            summary: "Since a time",
            value: { platId: "APP-PLAT-0001", since: "2025-01-01T00:00:00Z" },
          },
        },
      },
      responses: {
        "202": {
          description: "How many were replayed",
          body: {
            name: "BulkReplayAccepted",
            schema: BulkReplayAccepted,
            examples: adminAnswerExamples.bulkReplayAccepted,
          },
        },
        ...errors("Invalid", "Unauthorized", "NotFound"),
      },
    }),
    op({
      method: "get",
      path: "/admin/v1/devices/{udeviceId}",
      operationId: "admin_getDevice",
      tag: "Admin: devices",
      summary: "A device: its decoded UDeviceID, owning vendor, shadow, latest reports and subscribers",
      pathParams: [
        { name: "udeviceId", description: "The UDeviceID (manufacturer code + product code + vendor part)" },
      ],
      query: z.strictObject({ reports: z.coerce.number().int().min(1).max(500).default(20) }),
      responses: {
        "200": {
          description: "The device",
          body: { name: "DeviceAdminView", schema: DeviceAdminView, examples: adminAnswerExamples.device },
        },
        ...errors("Invalid", "Unauthorized"),
      },
    }),
    op({
      method: "get",
      path: "/admin/v1/drift",
      operationId: "admin_drift",
      tag: "Admin: devices",
      summary: "What reconciliation found: drift per vendor, and bindings a vendor no longer lists",
      description:
        'The hub polls vendors at HUB_RECONCILE_RATE calls per minute per vendor (docs/adr/0011). A device state that differs from the shadow is a status report the vendor did not send: it is delivered marked "Source":"reconcile" and counted here. A binding the vendor no longer lists for its user is listed, not removed: the operator decides.',
      responses: {
        "200": {
          description: "Drift per vendor and missing bindings",
          body: { name: "DriftView", schema: DriftView, examples: adminAnswerExamples.drift },
        },
        ...errors("Unauthorized"),
      },
    }),
    op({
      method: "get",
      path: "/admin/v1/audit",
      operationId: "admin_audit",
      tag: "Admin: audit",
      summary: "The audit log: admin and self-service changes and authentication failures",
      query: AuditQuery,
      responses: {
        "200": {
          description: "A page, newest first",
          body: { name: "AuditPage", schema: AuditPage, examples: adminAnswerExamples.auditPage },
        },
        ...errors("Invalid", "Unauthorized"),
      },
    }),
    op({
      method: "post",
      path: "/admin/v1/operator-keys",
      operationId: "admin_createOperatorKey",
      tag: KEYS,
      summary: "Create a named operator key; its secret is in this answer only",
      description:
        "Only the SHA-256 of the key is stored. Every admin action made with it is audited with actor `operator:<name>` (HUB_ADMIN_TOKEN is `operator:bootstrap`). The name is unique among active keys and may not be `bootstrap`.",
      body: {
        name: "CreateOperatorKeyInput",
        schema: createOperatorKeyInput,
        examples: {
          grafana: { summary: "A dashboard's read key", value: { name: "grafana", scope: "read" } },
        },
      },
      responses: {
        "201": {
          description: "Created",
          body: {
            name: "OperatorKeyCreated",
            schema: OperatorKeyCreated,
            examples: adminAnswerExamples.operatorKeyCreated,
          },
        },
        ...errors("Invalid", "Unauthorized", "Forbidden", "Conflict"),
      },
    }),
    op({
      method: "get",
      path: "/admin/v1/operator-keys",
      operationId: "admin_listOperatorKeys",
      tag: KEYS,
      summary: "Every operator key (never its secret), active first",
      responses: {
        "200": {
          description: "The keys",
          body: {
            name: "OperatorKeyList",
            schema: OperatorKeyList,
            examples: adminAnswerExamples.operatorKeyList,
          },
        },
        ...errors("Unauthorized"),
      },
    }),
    op({
      method: "delete",
      path: "/admin/v1/operator-keys/{name}",
      operationId: "admin_revokeOperatorKey",
      tag: KEYS,
      summary:
        "Revoke the active key of that name (or id): it stops working at once, its console sessions end",
      pathParams: [{ name: "name", description: "The key's name, or its id (opk_…)" }],
      responses: {
        "200": {
          description: "The revoked key",
          body: {
            name: "OperatorKey",
            schema: OperatorKey,
            examples: adminAnswerExamples.operatorKeyRevoked,
          },
        },
        ...errors("Unauthorized", "Forbidden", "NotFound"),
      },
    }),
    op({
      method: "post",
      path: "/admin/v1/secrets/rewrap",
      operationId: "admin_rewrapSecrets",
      tag: "Admin: secrets",
      summary: "Re-encrypt every stored secret with the current HUB_SECRET_KEY",
      description:
        "After a key rotation (the old key in HUB_SECRET_KEY_PREVIOUS): decrypts every sealed value (platform secrets, sealed adapterConfig values, vendor sessions) with whichever key sealed it and seals it again with the current key, bound to its table, row and column (format v2). Once it answered, HUB_SECRET_KEY_PREVIOUS may be removed. Safe to run again; hub instances may keep serving meanwhile.",
      responses: {
        "200": {
          description: "What was re-encrypted",
          body: {
            name: "SecretsRewrapped",
            schema: SecretsRewrapped,
            examples: adminAnswerExamples.secretsRewrapped,
          },
        },
        ...errors("Unauthorized", "Forbidden", "Business"),
      },
    }),
  ];
}
