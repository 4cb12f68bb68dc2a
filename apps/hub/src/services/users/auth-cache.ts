/**
 * In-memory answers to "is this token valid, whose is it" and "which devices are bound to
 * this user", so a device call costs no database round trip once warm. Every write that
 * changes an answer (logout, bind, unbind, unregister, platform removal) announces it on a
 * Postgres channel and every hub instance drops the entry; entries also expire after `ttlMs`,
 * which bounds staleness should an instance miss a notification (e.g. while reconnecting).
 * Only positive answers are cached: an unknown token always goes to the database.
 */
export interface CachedToken {
  userId: string;
  platId: string;
  expiresAt: number;
}

export interface CachedUser {
  platId: string;
  bound: Set<string>;
}

interface Entry<T> {
  value: T;
  until: number;
}

export const AUTH_CHANNEL = "yunlian_auth";

export class AuthCache {
  private readonly tokens = new Map<string, Entry<CachedToken>>();
  private readonly users = new Map<string, Entry<CachedUser>>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 200_000,
  ) {}

  token(hash: string, now = Date.now()): CachedToken | undefined {
    return live(this.tokens, hash, now);
  }

  user(userId: string, now = Date.now()): CachedUser | undefined {
    return live(this.users, userId, now);
  }

  putToken(hash: string, token: CachedToken, now = Date.now()): void {
    bounded(this.tokens, this.maxEntries).set(hash, { value: token, until: now + this.ttlMs });
  }

  putUser(userId: string, user: CachedUser, now = Date.now()): void {
    bounded(this.users, this.maxEntries).set(userId, { value: user, until: now + this.ttlMs });
  }

  /** Applies an invalidation message: "t:<token hash>", "u:<userId>" or "*". */
  invalidate(message: string): void {
    if (message === "*") {
      this.tokens.clear();
      this.users.clear();
    } else if (message.startsWith("t:")) this.tokens.delete(message.slice(2));
    else if (message.startsWith("u:")) {
      const userId = message.slice(2);
      this.users.delete(userId);
      for (const [hash, entry] of this.tokens) if (entry.value.userId === userId) this.tokens.delete(hash);
    }
  }
}

function live<T>(map: Map<string, Entry<T>>, key: string, now: number): T | undefined {
  const entry = map.get(key);
  if (!entry) return undefined;
  if (entry.until <= now) {
    map.delete(key);
    return undefined;
  }
  return entry.value;
}

/** Evicts the oldest entry when full (Map iteration order is insertion order). */
function bounded<T>(map: Map<string, T>, max: number): Map<string, T> {
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  return map;
}
