import { sql } from "drizzle-orm";
import { boolean, check, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, tstz, updatedAt } from "./columns.ts";

export type SecurityMode = "none" | "hmac" | "mtls";

/**
 * How the hub's HTTP status relates to the RetCode of its `/v1` answers to this platform:
 * `mirror` (the default) answers RetCode "404" with HTTP 404; `always200` answers HTTP 200 with
 * the same body, for a client built to the letter of the standard, which reads any other status
 * as a transport failure (docs/design.md §3.3).
 */
export const HTTP_STATUS_MODES = ["mirror", "always200"] as const;
export type HttpStatusMode = (typeof HTTP_STATUS_MODES)[number];

/** Deliveries a platform may opt in to besides status reports (docs/design.md §7). */
export const PLATFORM_EVENTS = ["opResult"] as const;
export type PlatformEvent = (typeof PLATFORM_EVENTS)[number];

/** Every registered cloud (app platform, device vendor, or both): one tenant each. */
export const platforms = pgTable(
  "platforms",
  {
    platId: text("plat_id").primaryKey(),
    name: text("name").notNull(),
    adapter: text("adapter").notNull().default("standard"),
    adapterConfig: jsonb("adapter_config").$type<Record<string, unknown>>().notNull().default({}),
    apiBaseUrl: text("api_base_url"),
    verifyUrl: text("verify_url"),
    dataGatewayUrl: text("data_gateway_url"),
    /** The AppID this platform issued to the hub (sent in the AppID header when the hub calls it). */
    vendorAppId: text("vendor_app_id"),
    /** The AppID the hub issued to this platform. */
    appId: text("app_id").notNull().unique(),
    /** The hub-issued appSecret (whsec_…), encrypted with HUB_SECRET_KEY; never stored in clear. */
    secretCiphertext: text("secret_ciphertext").notNull(),
    secretKeyId: text("secret_key_id").notNull(),
    /** The secret before the last rotation, still accepted until previousSecretExpiresAt (grace period). */
    previousSecretCiphertext: text("previous_secret_ciphertext"),
    previousSecretKeyId: text("previous_secret_key_id"),
    previousSecretExpiresAt: tstz("previous_secret_expires_at"),
    /**
     * The hub-issued webhookSecret (whsec_…, encrypted like the appSecret): the hub signs what it
     * sends to this platform (deliveries, verify calls) with it, never with the appSecret
     * (docs/design.md §7). Null only on rows written before it existed: the hub fills those in
     * when it loads the platform (services/platforms/platform-secrets.ts).
     */
    webhookSecretCiphertext: text("webhook_secret_ciphertext"),
    webhookSecretKeyId: text("webhook_secret_key_id"),
    /** The webhookSecret before the last rotation: webhooks carry its signature too until the expiry. */
    previousWebhookSecretCiphertext: text("previous_webhook_secret_ciphertext"),
    previousWebhookSecretKeyId: text("previous_webhook_secret_key_id"),
    previousWebhookSecretExpiresAt: tstz("previous_webhook_secret_expires_at"),
    securityMode: text("security_mode").$type<SecurityMode>().notNull().default("hmac"),
    httpStatus: text("http_status").$type<HttpStatusMode>().notNull().default("mirror"),
    certFingerprints: text("cert_fingerprints").array().notNull().default(sql`'{}'::text[]`),
    /** Extra deliveries the platform opted in to (PLATFORM_EVENTS): "opResult" = its ops' outcomes. */
    events: text("events").array().$type<PlatformEvent[]>().notNull().default(sql`'{}'::text[]`),
    /** Set when the receiver answered 410 Gone: deliveries to it stop until an operator clears it. */
    dataGatewayDisabledAt: tstz("data_gateway_disabled_at"),
    /**
     * A sandbox platform (docs/design.md §7 "Sandbox"): its users, bindings and devices live apart
     * from production platforms', its deliveries are labelled, its rate limit is lower. Set at
     * registration; changed only by promotion (sandbox → production, never back).
     */
    sandbox: boolean("sandbox").notNull().default(false),
    /** When an operator promoted it from the sandbox; null for a platform registered in production. */
    promotedAt: tstz("promoted_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("platforms_security_mode_check", sql`${t.securityMode} in ('none', 'hmac', 'mtls')`),
    check("platforms_http_status_check", sql`${t.httpStatus} in ('mirror', 'always200')`),
  ],
);

export type Platform = typeof platforms.$inferSelect;
export type NewPlatform = typeof platforms.$inferInsert;
