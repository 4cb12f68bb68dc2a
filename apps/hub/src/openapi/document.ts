import { apis, ResponseBase } from "@yunlian/protocol";
import type { z } from "zod";
import { adminOperations } from "./admin-operations.ts";
import { certificationOperations } from "./certification-operations.ts";
import {
  commonHeaderParameters,
  errorResponseComponents,
  platformSecurity,
  retCodeSchema,
  securitySchemes,
  signatureHeaderParameters,
  signingRecipe,
} from "./components.ts";
import { grantOperations } from "./grant-operations.ts";
import { type Io, inlineSchema, SchemaCatalog } from "./json-schema.ts";
import { modelOperations } from "./model-operations.ts";
import type { Audience, BodyDoc, OperationDoc, ResponseDoc } from "./operation.ts";
import { selfOperations } from "./self-operations.ts";
import { opResultWebhookSchema, standardOperations } from "./standard-operations.ts";

export interface DocumentOptions {
  version: string;
  /** The hub's public URL, when known (HUB_PUBLIC_URL). */
  serverUrl?: string;
  /** Operations contributed by route modules (their schemas, their docs). */
  extraOperations?: OperationDoc[];
}

/** Every documented operation: the standard API, the admin API, the self-service API. */
export function allOperations(extra: OperationDoc[] = []): OperationDoc[] {
  return [
    ...standardOperations(),
    ...adminOperations(),
    ...modelOperations(),
    ...grantOperations(),
    ...selfOperations(),
    ...certificationOperations(),
    ...extra,
  ];
}

const SECURITY: Record<Audience, unknown[]> = {
  platform: platformSecurity,
  "vendor-callback": platformSecurity,
  operator: [{ operatorToken: [] }],
  self: [...platformSecurity, { operatorToken: [] }],
  public: [],
};

const DESCRIPTION = `The neutral cloud-to-cloud hub for smart appliances (云联). Every vendor cloud registers once; any app platform calls one endpoint for any brand, and the hub routes each call to the cloud that owns the device (by the manufacturer code at the front of its UDeviceID).

* **Standard API** — the interfaces of the CHEAA cloud-to-cloud standard, section 7: \`POST /v1/{apiName}\`, JSON, every answer \`{RetCode, RetInfo, …}\`. The hub is liberal in what it accepts (padded keys, numbers for strings, the header spelled PlateID) and always answers in canonical form; request schemas here describe what may be sent, response schemas what the hub sends.
* **Admin API** — the operator's, with \`Authorization: Bearer\` and HUB_ADMIN_TOKEN or a named operator key (scope \`read\`: GET only).
* **Self-service API** — a platform managing its own registration and reading its own deliveries.
* **statusReport webhook** — what the hub POSTs to each subscribed platform's dataGatewayUrl; the **grantNotice** webhook, its notice of a sharing grant.
* **opResult webhook** — an op's outcome, POSTed the same way to a platform registered with \`events: ["opResult"]\` (an extension).`;

/** Builds the OpenAPI 3.1 document from the operations' zod schemas. */
export function buildOpenApiDocument(options: DocumentOptions) {
  const catalog = new SchemaCatalog();
  // The shared envelope first, so every interface whose answer is just RetCode + RetInfo points at it.
  catalog.ref(ResponseBase, "RetBody", "output");
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of allOperations(options.extraOperations)) {
    const item = paths[op.path] ?? {};
    item[op.method] = operationObject(op, catalog);
    paths[op.path] = item;
  }
  const report = catalog.ref(apis["dataservices/dataGateway"].request, "StatusReport", "output");
  const opResult = catalog.ref(opResultWebhookSchema, "OpResultReport", "output");
  const schemas = catalog.components();
  return {
    openapi: "3.1.1",
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    info: {
      title: "Yunlian hub API",
      version: options.version,
      description: DESCRIPTION,
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [
      options.serverUrl
        ? { url: options.serverUrl, description: "This hub (HUB_PUBLIC_URL)" }
        : { url: "/", description: "The hub that serves this document" },
    ],
    "x-signing": signingRecipe,
    tags: tagsOf(paths),
    paths,
    webhooks: {
      opResult: {
        post: {
          operationId: "opResult",
          summary:
            'An op\'s outcome for one of its devices (an extension, for platforms with events: ["opResult"])',
          description:
            'Sent once the op is settled (every device confirmed, timed out or failed), one delivery per device of the op, to the dataGatewayUrl of the platform that sent the op and only if it opted in (`events: ["opResult"]` at registration or by PATCH). DataType is "opResult"; DeviceStatus carries OpID, the device\'s Status and the op\'s OpStatus. Signed, retried and replayed like the statusReport webhook. A platform that did not opt in never receives this DataType.',
          parameters: [
            { $ref: "#/components/parameters/PlatID" },
            ...["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => ({
              name,
              in: "header",
              required: true,
              schema: { type: "string" },
            })),
          ],
          requestBody: { required: true, content: { "application/json": { schema: opResult } } },
          responses: {
            "200": {
              description: "Acknowledged",
              content: { "application/json": { schema: { $ref: "#/components/schemas/RetBody" } } },
            },
          },
        },
      },
      statusReport: {
        post: {
          operationId: "statusReport",
          summary: "A device's status report, delivered to the platform's dataGatewayUrl (7.2.8)",
          description:
            "At least once: retried on the HUB_DELIVERY_BACKOFF schedule, then dead until replayed. Every attempt carries the same webhook-id, so a receiver can drop duplicates. Signed with the receiving platform's webhookSecret as plain Standard Webhooks (`v1,` HMAC-SHA256 over `webhook-id.webhook-timestamp.body`); during a rotation grace two signatures, space-separated, one per webhookSecret. Verify with any Standard Webhooks library and the webhookSecret. Answer RetCode 200 to acknowledge.",
          parameters: [
            { $ref: "#/components/parameters/PlatID" },
            ...["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => ({
              name,
              in: "header",
              required: true,
              schema: { type: "string" },
            })),
            {
              name: "Yunlian-Sandbox",
              in: "header",
              required: false,
              description:
                '`1` on every delivery to a sandbox platform (docs/design.md §7 "Sandbox"): test traffic, never production; absent otherwise',
              schema: { type: "string", enum: ["1"] },
            },
          ],
          requestBody: { required: true, content: { "application/json": { schema: report } } },
          responses: {
            "200": {
              description: "Acknowledged",
              content: { "application/json": { schema: { $ref: "#/components/schemas/RetBody" } } },
            },
          },
        },
      },
      grantNotice: {
        post: {
          operationId: "grantNotice",
          summary: "A sharing grant made or revoked, sent to the grantor's and the grantee's dataGatewayUrl",
          description:
            'The dataGateway body with DataType "grant" (docs/design.md §7, "Sharing grants"): DeviceStatus says `grant` ("granted" | "revoked"), `grantorPlatId` and `granteePlatId`; TimeStamp is when the hub made the change. Delivered, signed and retried exactly like a statusReport. A platform that does not know the DataType may ignore it; answer RetCode 200 to acknowledge.',
          parameters: [
            ...["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => ({
              name,
              in: "header",
              required: true,
              schema: { type: "string" },
            })),
          ],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["DeviceID", "DataType", "DeviceStatus", "TimeStamp"],
                  properties: {
                    DeviceID: { type: "string" },
                    DataType: { const: "grant" },
                    DeviceStatus: {
                      type: "object",
                      required: ["grant", "grantorPlatId", "granteePlatId"],
                      properties: {
                        grant: { enum: ["granted", "revoked"] },
                        grantorPlatId: { type: "string" },
                        granteePlatId: { type: "string" },
                      },
                    },
                    TimeStamp: { type: "string", description: "epoch milliseconds" },
                  },
                },
              },
            },
          },
          responses: {
            "200": {
              description: "Acknowledged",
              content: { "application/json": { schema: { $ref: "#/components/schemas/RetBody" } } },
            },
          },
        },
      },
    },
    components: {
      schemas: { RetCode: retCodeSchema(), ...pointRetCodes(schemas) },
      responses: errorResponseComponents(),
      parameters: { ...commonHeaderParameters, ...signatureHeaderParameters },
      securitySchemes,
    },
  };
}

/** Who may sign a request (security mode hmac) gets the signature headers as parameters. */
const SIGNS: ReadonlySet<Audience> = new Set(["platform", "vendor-callback", "self"]);

function operationObject(op: OperationDoc, catalog: SchemaCatalog) {
  const parameters: unknown[] = [
    ...(op.headers ?? []).map((h) => ({ $ref: `#/components/parameters/${h.name}` })),
    ...(SIGNS.has(op.audience)
      ? Object.keys(signatureHeaderParameters).map((name) => ({ $ref: `#/components/parameters/${name}` }))
      : []),
    ...(op.pathParams ?? []).map((p) => ({
      name: p.name,
      in: "path",
      required: true,
      description: p.description,
      schema: { type: "string" },
    })),
    ...queryParameters(op.query),
  ];
  const requiredHeaders = (op.headers ?? []).filter((h) => h.requiredWithoutMtls).map((h) => h.name);
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(requiredHeaders.length ? { "x-required-headers-without-mtls": requiredHeaders } : {}),
    security: SECURITY[op.audience],
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: content(op.body, "input", catalog) } } : {}),
    responses: Object.fromEntries(
      Object.entries(op.responses).map(([status, r]) => [
        status,
        "error" in r ? { $ref: `#/components/responses/${r.error}` } : responseObject(r, catalog),
      ]),
    ),
  };
}

function responseObject(r: ResponseDoc, catalog: SchemaCatalog) {
  return {
    description: r.description,
    ...(r.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(r.headers).map(([name, description]) => [
              name,
              { description, schema: { type: "string" } },
            ]),
          ),
        }
      : {}),
    ...(r.body ? { content: content(r.body, "output", catalog) } : {}),
    ...(r.text
      ? { content: { [r.text.mediaType]: { schema: { type: "string" }, example: r.text.example } } }
      : {}),
  };
}

function content(body: BodyDoc, io: Io, catalog: SchemaCatalog) {
  const examples = body.examples && Object.keys(body.examples).length ? body.examples : undefined;
  return {
    "application/json": {
      schema: catalog.ref(body.schema, body.name, io),
      ...(examples ? { examples } : {}),
    },
  };
}

function queryParameters(query: z.ZodObject | undefined): unknown[] {
  if (!query) return [];
  return Object.entries(query.shape).map(([name, schema]) => {
    const json = inlineSchema(schema as z.ZodType, "input");
    return {
      name,
      in: "query",
      required: !(schema as z.ZodType).safeParse(undefined).success,
      ...(typeof json.description === "string" ? { description: json.description } : {}),
      schema: json,
    };
  });
}

/** The top-level RetCode of every answer refers to the RetCode table. */
function pointRetCodes(schemas: Record<string, Record<string, unknown>>) {
  for (const schema of Object.values(schemas)) {
    const props = schema.properties as Record<string, unknown> | undefined;
    if (props && "RetCode" in props && "RetInfo" in props)
      props.RetCode = { $ref: "#/components/schemas/RetCode" };
  }
  return schemas;
}

function tagsOf(paths: Record<string, Record<string, unknown>>) {
  const seen = new Set<string>();
  for (const item of Object.values(paths))
    for (const op of Object.values(item)) for (const t of (op as { tags: string[] }).tags) seen.add(t);
  return [...seen].map((name) => ({ name }));
}
