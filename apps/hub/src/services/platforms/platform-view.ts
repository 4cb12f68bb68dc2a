import { ingestUrlOf } from "../../registry/ingest-url.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { redactSecrets } from "../../security/redact.ts";

/**
 * The platform as the admin API shows it: never a secret (those are shown once, at creation and
 * rotation). A vendor's ingestUrl is shown to whoever may manage the platform: the operator and
 * the vendor itself. `publicUrl` is HUB_PUBLIC_URL.
 */
export function platformView(p: PlatformRecord, publicUrl: string | undefined) {
  return {
    platId: p.platId,
    name: p.name,
    manufacturerCodes: p.manufacturerCodes,
    adapter: p.adapter,
    // Vendor credentials inside it (clientSecret, …) are shown as "***".
    adapterConfig: redactSecrets(p.adapterConfig),
    apiBaseUrl: p.apiBaseUrl,
    verifyUrl: p.verifyUrl,
    dataGatewayUrl: p.dataGatewayUrl,
    /** Where this vendor's cloud sends status reports without headers (docs/design.md §7); null for an app platform. */
    ingestUrl: p.manufacturerCodes.length > 0 ? ingestUrlOf(publicUrl, p.appSecret.current) : null,
    /** The AppID this platform issued to the hub (the register body's `appId`). */
    vendorAppId: p.vendorAppId,
    /** The AppID the hub issued to this platform: send it in the `AppID` header. */
    appId: p.appId,
    security: { mode: p.securityMode, certFingerprints: p.certFingerprints },
    httpStatus: p.httpStatus,
    /** Extra deliveries it opted in to (docs/design.md §7): "opResult". */
    events: p.events,
    dataGatewayDisabledAt: p.dataGatewayDisabledAt?.toISOString() ?? null,
    /** In the sandbox namespace (docs/design.md §7 "Sandbox"); false once promoted. */
    sandbox: p.sandbox,
    /** When it was promoted from the sandbox; null if it never was. */
    promotedAt: p.promotedAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
