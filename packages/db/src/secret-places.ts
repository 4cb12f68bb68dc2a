/**
 * Where each sealed value lives: the associated data its AES-GCM ciphertext is bound to
 * (@yunlian/secrets, format v2), named here once so the hub and the delivery worker agree. A
 * value copied to another row or column then fails to decrypt.
 */
interface Place {
  table: string;
  column: string;
  row: string;
}

/** The four secret columns of a platform row. */
export type PlatformSecretColumn =
  | "secret"
  | "previous_secret"
  | "webhook_secret"
  | "previous_webhook_secret";

export const platformSecretPlace = (platId: string, column: PlatformSecretColumn): Place => ({
  table: "platforms",
  column,
  row: platId,
});

/** A sealed value inside a platform's adapterConfig, by its path (e.g. `.clientSecret`, `.keys[0]`). */
export const adapterConfigPlace = (platId: string, path: string): Place => ({
  table: "platforms",
  column: `adapter_config${path}`,
  row: platId,
});

/** The vendor AccessToken of one hub user at one vendor. */
export const vendorSessionPlace = (userId: string, vendorPlatId: string): Place => ({
  table: "vendor_sessions",
  column: "token",
  row: JSON.stringify([userId, vendorPlatId]),
});
