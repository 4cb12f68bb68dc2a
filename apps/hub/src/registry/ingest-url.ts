import { createHmac } from "node:crypto";

/** Where a vendor's ingestUrl lives under the hub's public URL; the secret segment follows. */
export const INGEST_PATH = "/v1/dataservices/dataGateway/";

/**
 * What the key derivation signs. It contains no "." so it can never be the content of a request
 * signature (`id.timestamp.METHOD path\nbody`), and the key is the appSecret's text, not the
 * decoded bytes request signatures use: the two uses of one secret cannot stand for each other.
 */
const LABEL = "yunlian ingestUrl segment v1";

/**
 * The secret segment of a vendor's ingestUrl (docs/design.md §7): 43 URL-safe characters, derived
 * from the platform's appSecret. Derived rather than stored so it needs no column of its own and
 * follows the appSecret exactly: a rotation changes it, and the previous one works while the
 * previous appSecret does (the same grace, ended by the same "graceSeconds": 0).
 */
export function ingestSegmentOf(appSecret: string): string {
  return createHmac("sha256", appSecret).update(LABEL).digest("base64url");
}

/**
 * The vendor's ingestUrl: HUB_PUBLIC_URL + INGEST_PATH + its segment. Without HUB_PUBLIC_URL the
 * hub does not know how vendors reach it, so the URL is given from its path on (docs/operations.md).
 */
export function ingestUrlOf(publicUrl: string | undefined, appSecret: string): string {
  return `${publicUrl ?? ""}${INGEST_PATH}${ingestSegmentOf(appSecret)}`;
}

/** The secret segment of a request path to an ingestUrl, or undefined for any other path. */
export function ingestSegmentIn(path: string): string | undefined {
  if (!path.startsWith(INGEST_PATH)) return undefined;
  const segment = path.slice(INGEST_PATH.length);
  return segment.length > 0 && !segment.includes("/") ? segment : undefined;
}

/** A path as logs and the audit trail show it: an ingestUrl's segment is a credential. */
export function loggablePath(path: string): string {
  return ingestSegmentIn(path) === undefined ? path : `${INGEST_PATH}***`;
}
