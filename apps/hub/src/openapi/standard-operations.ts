import { type ApiName, apiNames, apis, OpResultReport, ResponseBase } from "@yunlian/protocol";
import { z } from "zod";
import { hubRequestExamples } from "./hub-examples.ts";
import { type CommonHeader, errors, type OperationDoc } from "./operation.ts";
import { standardExamples } from "./standard-examples.ts";

const HEADER_OF = { platId: "PlatID", appId: "AppID", accessToken: "AccessToken" } as const;

/** `user/bindDevices` → `UserBindDevices`: the stem of the component and operation names. */
function stem(api: ApiName): string {
  return api
    .split("/")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("")
    .replace(/^Dataservices/, "");
}

const TAG: Record<string, string> = {
  user: "Standard: users (7.1)",
  users: "Standard: devices (7.2)",
  devices: "Standard: devices (7.2)",
  dataservices: "Standard: status reports (7.2.8)",
};

/** Extra words for interfaces whose behaviour at the hub goes beyond the one-line summary. */
const NOTES: Partial<Record<ApiName, string>> = {
  "user/login":
    "The hub calls the caller's registered verifyUrl with the loginID and AuthToken (7.1.4), then issues its own userID (namespaced per platform) and an AccessToken in the response headers. The AuthToken may also be sent as a header, as the standard's example does.",
  "user/verify":
    "The hub's own verify endpoint: a vendor cloud the hub logged a user into asks here whether the hub vouches for that loginID and AuthToken.",
  "devices/deviceInfo":
    "The one device call allowed before binding (standard 7.2.4: registered devices, binding fields null), so an app can show what a scanned UDeviceID is. For a device the user has not bound, every field beyond the standard's table 11 (deviceID, deviceIDType, deviceType, model, manufacturer, brand, accessWay) answers null. An unknown manufacturer code is 404.",
  "devices/deviceStatus":
    "Devices come back in request order; as a documented extension each entry also echoes DeviceInfo.deviceID. Reads served from the hub (an extension, docs/design.md §7): with the request header `Cache-Control: max-age=N`, a device whose shadow holds a report the hub received no more than N seconds ago is answered from the shadow (every report of the device merged, onLine from the latest onOffline report) without asking its vendor; the other devices are asked live, one call per vendor. Each entry of such an answer carries `StatusTime`, the time of that state as epoch milliseconds in a string (like the standard's TimeStamp): when the hub received the latest report, or when the vendor answered. Without the header (or with one carrying no well-formed max-age) nothing changes and no StatusTime is added. The binding check (403) comes before any shadow is read.",
  "devices/op":
    "The hub requires the AccessToken here (docs/design.md §3.5); only devices bound to that user are operated. Checks run in this order: the token (401), the binding of every device to the user (403), then the commands' content (400) against the model the device's vendor published, if it published one; the hub's own models never refuse a value (docs/design.md §3.6).\n\nExtensions (docs/design.md §7): an answer of a command that reached the vendors carries `OpID`; follow it with GET /v1/ops/{OpID} (pending → confirmed when a status report shows every commanded attribute at its value, timeout after HUB_OP_CONFIRM_TIMEOUT, failed when the vendor refused it). A platform registered with `events: [\"opResult\"]` also receives the outcome (the opResult webhook). With an `Idempotency-Key` header a retry gets the first answer again.",
  "dataservices/dataGateway":
    "A vendor cloud pushes status here. A vendor on a native adapter sends its own format, which the adapter validates; the schema is the standard's body. The hub stores the report, updates the device shadow and fans it out to every platform with a user bound to the device (see the statusReport webhook).",
};

/**
 * A vendor's ingestUrl (docs/design.md §7): the status report of 7.2.8 without any header, as
 * table 50 gives it; the secret segment names the vendor.
 */
function ingestUrlOperation(): OperationDoc {
  const spec = apis["dataservices/dataGateway"];
  return {
    method: "post",
    path: "/v1/dataservices/dataGateway/{ingestSegment}",
    operationId: "dataservices_dataGateway_ingestUrl",
    tag: TAG.dataservices ?? "Standard",
    summary: "Report device status to the vendor's ingestUrl, with no headers (设备状态上报)",
    description: [
      "Standard table 50 gives the report no header parameter, so a cloud built to the letter of the standard sends no PlatID or AppID. Each vendor platform gets an ingestUrl (in its registration answer, GET of the platform and every rotation): the hub's public URL, this path and a secret segment of 43 URL-safe characters that names the vendor.",
      "The report is attributed to that vendor: devices of its own manufacturer codes only (another maker's device: 403). In security mode none the URL is the credential; hmac vendors still sign (the signed path is this path, segment included) and mtls vendors still present their certificate. A PlatID or AppID header, when sent, must be the vendor's. The previous ingestUrl keeps working for the rotation grace, like the previous appSecret.",
      "The body is the same as on POST /v1/dataservices/dataGateway; keys with stray spaces are accepted.",
    ].join("\n\n"),
    audience: "platform",
    pathParams: [{ name: "ingestSegment", description: "The secret segment of the vendor's ingestUrl" }],
    body: {
      name: "DataGatewayRequest",
      schema: spec.request,
      examples: {
        attr: {
          summary: "A washer switched on",
          value: {
            Device: [
              {
                DeviceInfo: { deviceID: "0000060102002001C89346112DD5", dataType: "attr" },
                DeviceStatus: { onOffStatus: "True" },
              },
            ],
          },
        },
      },
    },
    responses: {
      "200": {
        description: "RetCode 200",
        body: {
          name: "RetBody",
          schema: ResponseBase,
          examples: {
            stored: { summary: "Stored and fanned out", value: { RetCode: "200", RetInfo: "OK" } },
          },
        },
      },
      ...errors("Invalid", "Unauthorized", "Forbidden", "NotFound", "TooLarge", "RateLimited"),
    },
  };
}

/** GET /v1/models/{deviceType} (an extension): the device models of a type, for every platform. */
function modelsReadOperation(): OperationDoc {
  const model = z.looseObject({
    deviceType: z.string(),
    version: z.number().int(),
    ownerPlatId: z.string().nullable(),
    nameZh: z.string(),
    nameEn: z.string(),
    attributes: z.array(z.looseObject({ name: z.string(), type: z.string(), writable: z.boolean() })),
  });
  return {
    method: "get",
    path: "/v1/models/{deviceType}",
    operationId: "models_read",
    tag: "Hub extensions",
    summary: "The device models of a device type, for rendering any brand's device",
    description: [
      "Any platform, authenticated as on the standard API (its signature over `GET /v1/models/{deviceType}` with an empty body, its certificate, or PlatID + AppID in mode none), reads the models of a device type: the newest model each vendor published for it (ownerPlatId = the vendor), then the hub's descriptive built-in one (ownerPlatId null, version 0). For a BBCCC+D type the models of the BBCCC it extends follow. One app UI can so render any brand's washer.",
      "404 when the hub knows no model of that type; 400 when the type is not BBCCC or BBCCC followed by the D digits.",
    ].join("\n\n"),
    audience: "platform",
    headers: [
      { name: "PlatID", requiredWithoutMtls: true },
      { name: "AppID", requiredWithoutMtls: false },
    ],
    pathParams: [
      {
        name: "deviceType",
        description: "BBCCC (category + sub-category), or BBCCC followed by the D digits",
      },
    ],
    responses: {
      "200": {
        description: "The models",
        body: {
          name: "ModelsOfType",
          schema: ResponseBase.extend({ DeviceType: z.string(), Models: z.array(model) }),
          examples: {
            washer: {
              summary:
                "The answer's shape (the Models list — vendors' published models, then the hub's built-in one — left out here)",
              value: {
                RetCode: "200",
                RetInfo: "ok",
                DeviceType: "01002",
                Models: [],
              },
            },
          },
        },
      },
      ...errors("Invalid", "Unauthorized", "NotFound", "RateLimited"),
    },
  };
}

/** The interfaces that take an Idempotency-Key (docs/design.md §7). */
const IDEMPOTENT = new Set<ApiName>(["devices/op", "user/bindDevices", "user/unbindDevices"]);

const OP_STATUS = z.enum(["pending", "confirmed", "timeout", "failed"]);

/** devices/op's answer with the hub's extension: the OpID to follow (absent when nothing was sent). */
const DevicesOpResponse = ResponseBase.extend({
  OpID: z.string().optional().describe("The op to follow with GET /v1/ops/{OpID} (an extension)"),
  FailedIDs: z.array(z.string()).optional().describe("Devices a vendor refused or could not be reached for"),
});

const OpStatusResponse = ResponseBase.extend({
  OpID: z.string(),
  Status: OP_STATUS.describe(
    "confirmed when every device is, failed when any failed, timeout when HUB_OP_CONFIRM_TIMEOUT passed with a device unconfirmed, else pending",
  ),
  Device: z.array(z.strictObject({ deviceID: z.string(), Status: OP_STATUS })).describe("In request order"),
});

/** GET /v1/ops/{OpID}: an extension (docs/design.md §7). */
function opsGetOperation(): OperationDoc {
  return {
    method: "get",
    path: "/v1/ops/{opId}",
    operationId: "ops_get",
    tag: TAG.devices ?? "Standard",
    summary: "Follow a devices/op: its status per device (an extension)",
    description: [
      "What became of a command: per device `pending`, `confirmed` (a status report of the device showed every commanded attribute at its commanded value), `timeout` (not confirmed within HUB_OP_CONFIRM_TIMEOUT, default 60 s) or `failed` (the vendor refused it). Ops are kept 24 h (HUB_RETENTION_OPS): an older OpID answers 404.",
      "Same authentication as the standard API (a GET signs an empty body). Only the platform and user that sent the op may read it: the user is the `UserID` query parameter (the AccessToken, when sent, must be that user's) or, without it, the AccessToken's user. Anyone else gets 404, as for an unknown OpID.",
    ].join("\n\n"),
    audience: "platform",
    headers: [
      { name: "PlatID", requiredWithoutMtls: true },
      { name: "AppID", requiredWithoutMtls: false },
      { name: "AccessToken", requiredWithoutMtls: false },
    ],
    pathParams: [{ name: "opId", description: "The OpID a devices/op answered" }],
    query: z.object({ UserID: z.string().optional().describe("The user who sent the op") }),
    responses: {
      "200": {
        description: "RetCode 200",
        body: {
          name: "OpStatusResponse",
          schema: OpStatusResponse,
          examples: {
            confirmed: {
              summary: "Both washers did what they were told",
              value: {
                RetCode: "200",
                RetInfo: "ok",
                OpID: "op_2b7QkR1cYv8aJ6pTnW3xZ",
                Status: "confirmed",
                Device: [
                  { deviceID: "000006010200200C89346112DD5", Status: "confirmed" },
                  { deviceID: "000006010200200C89346112DD6", Status: "confirmed" },
                ],
              },
            },
            timeout: {
              summary: "One device never reported the commanded state",
              value: {
                RetCode: "200",
                RetInfo: "ok",
                OpID: "op_2b7QkR1cYv8aJ6pTnW3xZ",
                Status: "timeout",
                Device: [
                  { deviceID: "000006010200200C89346112DD5", Status: "confirmed" },
                  { deviceID: "000006010200200C89346112DD6", Status: "timeout" },
                ],
              },
            },
          },
        },
      },
      ...errors("Invalid", "Unauthorized", "NotFound", "RateLimited"),
    },
  };
}

/** The opResult webhook's body (an extension a platform opts in to). */
export const opResultWebhookSchema = OpResultReport;

/** One operation per interface of the standard's section 7, from the protocol's `apis` registry, the op read, the ingestUrl and the model read. */
export function standardOperations(): OperationDoc[] {
  return [...sectionSevenOperations(), opsGetOperation(), ingestUrlOperation(), modelsReadOperation()];
}

function sectionSevenOperations(): OperationDoc[] {
  const printed = standardExamples();
  return apiNames.map((api): OperationDoc => {
    const spec = apis[api];
    const examples = printed.get(api);
    const required = new Set<string>(spec.requiredHeaders.map((h) => HEADER_OF[h as keyof typeof HEADER_OF]));
    const headers = (
      [
        "PlatID",
        "AppID",
        "AccessToken",
        ...(IDEMPOTENT.has(api) ? ["Idempotency-Key"] : []),
      ] as CommonHeader[]
    ).map((name) => ({
      name,
      requiredWithoutMtls: required.has(name),
    }));
    const requiredList = [...required].join(", ") || "none";
    const name = stem(api);
    const responseName = spec.response === ResponseBase ? "RetBody" : `${name}Response`;
    return {
      method: "post",
      path: `/v1/${api}`,
      operationId: api.replace("/", "_"),
      tag: TAG[api.split("/")[0] ?? ""] ?? "Standard",
      summary: `${spec.summary} (${spec.summaryZh})`,
      description: [
        NOTES[api],
        `Header parameters required without mutual TLS: ${requiredList}.`,
        'Every answer carries RetCode and RetInfo; the HTTP status mirrors RetCode, or is always 200 for a platform registered with httpStatus "always200" (docs/design.md §3.3).',
      ]
        .filter(Boolean)
        .join("\n\n"),
      audience: "platform",
      headers,
      body: {
        name: `${name}Request`,
        schema: spec.request,
        examples: { ...examples?.request, ...hubRequestExamples[api] },
      },
      responses: {
        "200": {
          description: "RetCode 200",
          body:
            api === "devices/op"
              ? { name: "DevicesOpResponse", schema: DevicesOpResponse, examples: examples?.response }
              : { name: responseName, schema: spec.response, examples: examples?.response },
          headers:
            api === "user/login"
              ? { PlatID: "The hub's PlatID", AccessToken: "The token to send with later calls" }
              : undefined,
        },
        ...errors(
          "Invalid",
          "Unauthorized",
          "Forbidden",
          "NotFound",
          "Conflict",
          "TooLarge",
          "RateLimited",
          "Business",
          "BadGateway",
          "GatewayTimeout",
        ),
      },
    };
  });
}
