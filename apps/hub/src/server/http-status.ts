import type { PlatformRecord } from "../registry/platform-record.ts";
import type { PlatformRegistry } from "../registry/platform-registry.ts";

/**
 * Whose `httpStatus` setting (docs/design.md §3.3) an answer under /v1 follows: the platform the
 * request authenticated as, else the registered platform its PlatID (or PlateID) header names —
 * a failed authentication of a strict client must still reach it as a readable RetCode "401",
 * and saying so reveals nothing the 401's RetInfo does not — else nobody (the status mirrors).
 * Answers the listener gives before any header is read (413, an overlong header, the
 * failed-authentication budget's 429) always mirror: they are the transport's refusals, the
 * ones a proxy in front would give.
 */
export function answeringPlatform(
  registry: PlatformRegistry,
  authenticated: PlatformRecord | undefined,
  /** The PlatID (or PlateID) header as the listener read it (RequestState.common). */
  claimedPlatId: string | undefined,
): PlatformRecord | undefined {
  if (authenticated) return authenticated;
  return claimedPlatId === undefined ? undefined : registry.get(claimedPlatId);
}

/** The HTTP status of an answer whose RetCode mirrored is `mirrored`, for `platform`. */
export function httpStatusFor(mirrored: number, platform: PlatformRecord | undefined): number {
  return platform?.httpStatus === "always200" ? 200 : mirrored;
}
