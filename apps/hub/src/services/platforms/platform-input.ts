import { HTTP_STATUS_MODES, PLATFORM_EVENTS } from "@yunlian/db";
import { z } from "zod";

const fingerprint = z.string().regex(/^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/, {
  error: "must be a SHA-256 fingerprint (64 hex digits, colons allowed)",
});

const securityShape = {
  mode: z.enum(["none", "hmac", "mtls"]),
  certFingerprints: z.array(fingerprint).max(20),
};

const optionalUrl = z.string().max(2048).nullable().optional();

/** docs/design.md §3.3: `always200` for a client that reads any HTTP status but 200 as a transport failure. */
const httpStatus = z.enum(HTTP_STATUS_MODES);

/** Deliveries the platform opts in to besides status reports ("opResult": its ops' outcomes). */
const events = z
  .array(z.enum(PLATFORM_EVENTS))
  .max(PLATFORM_EVENTS.length)
  .transform((e) => [...new Set(e)]);

// Fields without defaults: shared by register (which adds defaults) and PATCH (which must not,
// or an omitted field would be reset). Zod 4 applies defaults even inside optional().
const fields = {
  name: z.string().trim().min(1).max(200),
  manufacturerCodes: z.array(z.string().regex(/^\d{6}$/, { error: "must be 6 digits" })).max(10_000),
  adapter: z.string().min(1).max(64),
  adapterConfig: z.record(z.string(), z.unknown()),
  apiBaseUrl: optionalUrl,
  verifyUrl: optionalUrl,
  dataGatewayUrl: optionalUrl,
  /** The AppID this platform issued to the hub. */
  appId: z.string().min(1).max(128).nullable().optional(),
};

const platIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "1–64 characters of A-Z a-z 0-9 _ -" });

/** The register body of docs/design.md §7, exactly. */
export const registerPlatformInput = z.strictObject({
  ...fields,
  platId: platIdSchema,
  manufacturerCodes: fields.manufacturerCodes.default([]),
  adapter: fields.adapter.default("standard"),
  adapterConfig: fields.adapterConfig.default({}),
  httpStatus: httpStatus.default("mirror"),
  events: events.default([]),
  /** A sandbox platform (docs/design.md §7 "Sandbox"); only promotion changes it afterwards. */
  sandbox: z.boolean().default(false),
  security: z
    .strictObject({
      mode: securityShape.mode.default("hmac"),
      certFingerprints: securityShape.certFingerprints.default([]),
    })
    .default({ mode: "hmac", certFingerprints: [] }),
});

/** PATCH: any field but platId (which may be repeated, unchanged); omitted fields stay. */
export const updatePlatformInput = z.strictObject({
  platId: z.string().optional(),
  name: fields.name.optional(),
  manufacturerCodes: fields.manufacturerCodes.optional(),
  adapter: fields.adapter.optional(),
  adapterConfig: fields.adapterConfig.optional(),
  apiBaseUrl: fields.apiBaseUrl,
  verifyUrl: fields.verifyUrl,
  dataGatewayUrl: fields.dataGatewayUrl,
  appId: fields.appId,
  httpStatus: httpStatus.optional(),
  events: events.optional(),
  /**
   * Accepted only to be refused with a clear RetInfo (updatePlatform): a platform leaves the
   * sandbox by promotion alone, which checks certification and issues fresh secrets.
   */
  sandbox: z.unknown().optional(),
  security: z
    .strictObject({
      mode: securityShape.mode.optional(),
      certFingerprints: securityShape.certFingerprints.optional(),
    })
    .optional(),
});

/**
 * What a platform may change about itself (PATCH /admin/v1/self): where the hub reaches it, which
 * certificates are its own, how its client reads HTTP statuses (httpStatus), and which extra
 * deliveries it receives (events). Manufacturer
 * codes, adapter, security mode and platId stay the operator's to set — a platform that could
 * claim codes could receive another vendor's devices.
 */
export const selfUpdatePlatformInput = updatePlatformInput
  .pick({ apiBaseUrl: true, verifyUrl: true, dataGatewayUrl: true, httpStatus: true, events: true })
  .extend({
    security: z
      .strictObject({ certFingerprints: updatePlatformInput.shape.security.unwrap().shape.certFingerprints })
      .optional(),
  })
  .strict();

export type RegisterPlatformInput = z.infer<typeof registerPlatformInput>;
export type UpdatePlatformInput = z.infer<typeof updatePlatformInput>;

/**
 * The operator's rotation body (`POST /admin/v1/platforms/{platId}/secret`); an empty body is `{}`.
 * `graceSeconds` 0 ends the previous secrets at once (a stolen secret); the default and most is 24 h.
 */
export const rotateSecretInput = z.strictObject({
  graceSeconds: z.number().int().min(0).max(86_400).optional(),
});

/**
 * The promotion body (`POST /admin/v1/platforms/{platId}/promote`); an empty body is `{}`. `force`
 * promotes a platform the certification port does not call certified (audited as forced).
 */
export const promotePlatformInput = z.strictObject({ force: z.boolean().optional() });

/** A platform rotating its own secrets sends `{}`: the grace period is the operator's to shorten. */
export const selfRotateSecretInput = z.strictObject({});
