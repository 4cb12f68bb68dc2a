import type { z } from "zod";

/** A named JSON example, as OpenAPI's Example Object carries it. */
export interface NamedExample {
  summary: string;
  description?: string;
  value: unknown;
}

/** A request or response body: the zod schema that validates (or shapes) it, and its component name. */
export interface BodyDoc {
  /** Component name under #/components/schemas; one schema object always gets one name. */
  name: string;
  schema: z.ZodType;
  examples?: Record<string, NamedExample>;
}

export interface ResponseDoc {
  description: string;
  body?: BodyDoc;
  /** A non-JSON answer (the Prometheus text format). */
  text?: { mediaType: string; example: string };
  /** Response headers (name → description), e.g. the AccessToken a login answers with. */
  headers?: Record<string, string>;
}

/** Who may call an operation; each maps onto security requirements in the document. */
export type Audience = "platform" | "operator" | "self" | "vendor-callback" | "public";

/** The headers of the standard (7.1) an operation uses; see components.parameters. */
export type CommonHeader = "PlatID" | "AppID" | "AccessToken" | "Idempotency-Key";

/**
 * One documented operation. Route modules own the zod schemas; a doc entry points at them, so
 * the document can never drift from what the hub validates.
 */
export interface OperationDoc {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI path template (`/admin/v1/platforms/{platId}`). */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  audience: Audience;
  headers?: { name: CommonHeader; requiredWithoutMtls: boolean }[];
  pathParams?: { name: string; description: string }[];
  /** A zod object whose keys are the query parameters (validated as the route validates them). */
  query?: z.ZodObject;
  body?: BodyDoc;
  responses: Record<string, ResponseDoc | ErrorRef>;
}

/** A shared error answer (`#/components/responses/…`), the RetCode body with that status. */
export interface ErrorRef {
  error: ErrorName;
}

export const errorResponses = {
  Invalid: { status: "400", description: "Invalid input: RetInfo names the field (RetCode 400)" },
  Unauthorized: {
    status: "401",
    description: "Missing, expired or unknown token or signature (RetCode 401)",
  },
  Forbidden: {
    status: "403",
    description:
      "Not allowed: device not bound to this user, or another tenant's; on the admin API, a change asked with an operator key of scope read (RetCode 403)",
  },
  NotFound: { status: "404", description: "Unknown device, manufacturer, user or resource (RetCode 404)" },
  Conflict: { status: "409", description: "Conflict, e.g. a manufacturer code already owned (RetCode 409)" },
  TooLarge: { status: "413", description: "Request body larger than HUB_MAX_BODY_BYTES (RetCode 413)" },
  RateLimited: { status: "429", description: "Rate limited; see Retry-After (RetCode 429)" },
  Business: { status: "500", description: "Business failure, as the standard defines it (RetCode 500)" },
  BadGateway: { status: "502", description: "The vendor cloud answered wrongly (RetCode 502)" },
  GatewayTimeout: { status: "504", description: "The vendor cloud timed out (RetCode 504)" },
} as const;

export type ErrorName = keyof typeof errorResponses;

/** The error answers for a list of names, keyed by status, for an operation's `responses`. */
export function errors(...names: ErrorName[]): Record<string, ErrorRef> {
  return Object.fromEntries(names.map((n) => [errorResponses[n].status, { error: n }]));
}
