import type { VendorSession } from "@yunlian/adapter-sdk";

/** A session and when the vendor issued it (for adapterConfig.sessionTtl). */
export interface CachedSession {
  session: VendorSession;
  obtainedAt: Date;
}

/**
 * Decrypted vendor sessions kept in memory so a device call does not read and decrypt the
 * session row every time. Bounded (oldest evicted first). A stale entry is harmless: the
 * vendor rejects the token, `withSession` clears it and logs in again.
 */
export class SessionCache {
  private readonly entries = new Map<string, CachedSession>();

  constructor(private readonly maxEntries = 100_000) {}

  private static key(userId: string, vendorPlatId: string): string {
    return `${userId}\u0000${vendorPlatId}`;
  }

  get(userId: string, vendorPlatId: string): CachedSession | undefined {
    return this.entries.get(SessionCache.key(userId, vendorPlatId));
  }

  set(userId: string, vendorPlatId: string, session: CachedSession): void {
    const key = SessionCache.key(userId, vendorPlatId);
    this.entries.delete(key);
    this.entries.set(key, session);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(userId: string, vendorPlatId: string): void {
    this.entries.delete(SessionCache.key(userId, vendorPlatId));
  }

  /** Forget every session of a user (logout everywhere, unregister). */
  deleteUser(userId: string): void {
    const prefix = `${userId}\u0000`;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
