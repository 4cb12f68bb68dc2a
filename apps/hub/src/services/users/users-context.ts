import type { Database, DatabaseHandle } from "@yunlian/db";
import { AUTH_CHANNEL, type AuthCache } from "./auth-cache.ts";

/**
 * Tells every hub instance (this one included) that a user's tokens or bindings changed:
 * "u:<userId>", "t:<token hash>" or "*". The local cache is cleared at once, before the caller
 * answers, so this instance never serves the old answer; the others hear it through NOTIFY.
 */
export interface AuthChanges {
  announce(message: string): Promise<void>;
}

export function authChanges(cache: AuthCache, notifier: Pick<DatabaseHandle, "notify">): AuthChanges {
  return {
    async announce(message) {
      cache.invalidate(message);
      await notifier.notify(AUTH_CHANNEL, message);
    },
  };
}

/** What the hub's user and token services use. */
export interface UsersCtx {
  db: Database;
  now(): Date;
  authCache: AuthCache;
  authChanges: AuthChanges;
  /** Lifetime of a hub AccessToken (HUB_TOKEN_TTL). */
  tokenTtlMs: number;
}
