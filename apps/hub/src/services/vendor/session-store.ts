import type { SessionStore, VendorSession } from "@yunlian/adapter-sdk";
import { vendorSessionPlace, vendorSessions } from "@yunlian/db";
import { decryptSecret, encryptSecret } from "@yunlian/secrets";
import { and, eq } from "drizzle-orm";
import type { VendorCtx } from "./vendor-context.ts";

type SessionCtx = Pick<VendorCtx, "db" | "keyring" | "sessions" | "now" | "log">;

/**
 * The vendor session of one hub user at one vendor: memory first, then the encrypted row. With a
 * `ttlMs` (the vendor's adapterConfig.sessionTtl) a session that old is not handed out: the
 * adapter logs in afresh instead of sending a token the vendor has already expired.
 */
class DbSessionStore implements SessionStore {
  constructor(
    private readonly ctx: SessionCtx,
    private readonly userId: string,
    private readonly vendorPlatId: string,
    private readonly ttlMs: number | undefined,
  ) {}

  private fresh(obtainedAt: Date): boolean {
    return this.ttlMs === undefined || this.ctx.now().getTime() - obtainedAt.getTime() < this.ttlMs;
  }

  private where() {
    return and(eq(vendorSessions.userId, this.userId), eq(vendorSessions.vendorPlatId, this.vendorPlatId));
  }

  cached(): VendorSession | undefined {
    const held = this.ctx.sessions.get(this.userId, this.vendorPlatId);
    return held && this.fresh(held.obtainedAt) ? held.session : undefined;
  }

  async load(): Promise<VendorSession | undefined> {
    const { db, keyring, sessions } = this.ctx;
    // Held in memory, fresh or not: the row holds nothing newer.
    if (sessions.get(this.userId, this.vendorPlatId)) return this.cached();
    const [row] = await db.select().from(vendorSessions).where(this.where());
    // The row's updatedAt is when the session was saved (its login).
    if (!row || !this.fresh(row.updatedAt)) return undefined;
    let accessToken: string;
    try {
      accessToken = decryptSecret(
        keyring,
        row.tokenCiphertext,
        row.tokenKeyId,
        vendorSessionPlace(this.userId, this.vendorPlatId),
      );
    } catch (err) {
      // A key the hub lacks, or a value moved from another row: no session, so the adapter logs
      // in to the vendor again (and saves a fresh one) instead of the call failing.
      this.ctx.log.error({ err, vendorPlatId: this.vendorPlatId }, "vendor session does not decrypt");
      return undefined;
    }
    const session = { vendorUserId: row.vendorUserId, accessToken };
    sessions.set(this.userId, this.vendorPlatId, { session, obtainedAt: row.updatedAt });
    return session;
  }

  async save(session: VendorSession): Promise<void> {
    const { db, keyring, sessions } = this.ctx;
    const { ciphertext, keyId } = encryptSecret(
      keyring,
      session.accessToken,
      vendorSessionPlace(this.userId, this.vendorPlatId),
    );
    const obtainedAt = this.ctx.now();
    const values = {
      vendorUserId: session.vendorUserId,
      tokenCiphertext: ciphertext,
      tokenKeyId: keyId,
      updatedAt: obtainedAt,
    };
    await db
      .insert(vendorSessions)
      .values({ userId: this.userId, vendorPlatId: this.vendorPlatId, ...values })
      .onConflictDoUpdate({ target: [vendorSessions.userId, vendorSessions.vendorPlatId], set: values });
    sessions.set(this.userId, this.vendorPlatId, { session, obtainedAt });
  }

  async clear(): Promise<void> {
    this.ctx.sessions.delete(this.userId, this.vendorPlatId);
    await this.ctx.db.delete(vendorSessions).where(this.where());
  }
}

export function dbSessionStore(
  ctx: SessionCtx,
  userId: string,
  vendorPlatId: string,
  ttlMs?: number,
): SessionStore {
  return new DbSessionStore(ctx, userId, vendorPlatId, ttlMs);
}
