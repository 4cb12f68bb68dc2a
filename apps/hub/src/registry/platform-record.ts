/** A registered platform as the hub holds it in memory (secrets decrypted, codes attached). */
export type SecurityMode = "none" | "hmac" | "mtls";

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
  certFingerprints: string[];
  manufacturerCodes: string[];
  /** Current hub-issued appSecret, plus the previous one while its rotation grace lasts. */
  secrets: string[];
  dataGatewayDisabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
