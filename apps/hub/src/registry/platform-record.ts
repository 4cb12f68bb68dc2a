import type { HttpStatusMode, PlatformEvent } from "@yunlian/db";

/** A registered platform as the hub holds it in memory (secrets decrypted, codes attached). */
type SecurityMode = "none" | "hmac" | "mtls";

/** A secret, and the one it replaced while that one's rotation grace lasts. */
export interface RotatingSecret {
  current: string;
  previous?: { secret: string; until: Date };
}

/** The current secret, then the previous one if its grace has not ended at `now`. */
export function liveSecrets(s: RotatingSecret, now: Date): string[] {
  return s.previous && s.previous.until > now ? [s.current, s.previous.secret] : [s.current];
}

export interface PlatformRecord {
  platId: string;
  name: string;
  adapter: string;
  adapterConfig: unknown;
  apiBaseUrl: string | null;
  verifyUrl: string | null;
  dataGatewayUrl: string | null;
  vendorAppId: string | null;
  appId: string;
  securityMode: SecurityMode;
  /** The HTTP status of the hub's `/v1` answers to it: mirroring RetCode, or always 200 (docs/design.md §3.3). */
  httpStatus: HttpStatusMode;
  /** Extra deliveries it opted in to ("opResult": its ops' outcomes, docs/design.md §7). */
  events: PlatformEvent[];
  certFingerprints: string[];
  manufacturerCodes: string[];
  /** The hub-issued appSecret: verifies this platform's requests to the hub. */
  appSecret: RotatingSecret;
  /** The hub-issued webhookSecret: signs what the hub sends to this platform (deliveries, verify calls). */
  webhookSecret: RotatingSecret;
  dataGatewayDisabledAt: Date | null;
  /**
   * In the sandbox namespace (docs/design.md §7 "Sandbox"): it reaches, and is reached by, only
   * other sandbox platforms; its deliveries are labelled; its rate limit is HUB_SANDBOX_RATE_LIMIT.
   */
  sandbox: boolean;
  /** When it was promoted from the sandbox to production; null if it never was. */
  promotedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
