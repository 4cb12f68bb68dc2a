import type { SessionStore, VendorSession } from "@yunlian/adapter-sdk";
import { vendorSessionPlace, vendorSessions } from "@yunlian/db";
import { decryptSecret, encryptSecret } from "@yunlian/secrets";
import { and, eq } from "drizzle-orm";
import type { VendorCtx } from "./vendor-context.ts";

type SessionCtx = Pick<VendorCtx, "db" | "keyring" | "sessions" | "log">;

/** The vendor session of one hub user at one vendor: memory first, then the encrypted row. */
class DbSessionStore implements SessionStore {
  constructor(
    private readonly ctx: SessionCtx,
    private readonly userId: string,
    private readonly vendorPlatId: string,
  ) {}

  private where() {
    return and(eq(vendorSessions.userId, this.userId), eq(vendorSessions.vendorPlatId, this.vendorPlatId));
  }

  async load(): Promise<VendorSession | undefined> {
    const { db, keyring, sessions } = this.ctx;
    const cached = sessions.get(this.userId, this.vendorPlatId);
    if (cached) return cached;
    const [row] = await db.select().from(vendorSessions).where(this.where());
    if (!row) return undefined;
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
    sessions.set(this.userId, this.vendorPlatId, session);
    return session;
  }

  async save(session: VendorSession): Promise<void> {
    const { db, keyring, sessions } = this.ctx;
    const { ciphertext, keyId } = encryptSecret(
      keyring,
      session.accessToken,
      vendorSessionPlace(this.userId, this.vendorPlatId),
    );
    const values = { vendorUserId: session.vendorUserId, tokenCiphertext: ciphertext, tokenKeyId: keyId };
    await db
      .insert(vendorSessions)
      .values({ userId: this.userId, vendorPlatId: this.vendorPlatId, ...values })
      .onConflictDoUpdate({
        target: [vendorSessions.userId, vendorSessions.vendorPlatId],
        set: { ...values, updatedAt: new Date() },
      });
    sessions.set(this.userId, this.vendorPlatId, session);
  }

  async clear(): Promise<void> {
    this.ctx.sessions.delete(this.userId, this.vendorPlatId);
    await this.ctx.db.delete(vendorSessions).where(this.where());
  }
}

export function dbSessionStore(ctx: SessionCtx, userId: string, vendorPlatId: string): SessionStore {
  return new DbSessionStore(ctx, userId, vendorPlatId);
}
