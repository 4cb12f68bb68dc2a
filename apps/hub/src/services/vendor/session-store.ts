import type { SessionStore, VendorSession } from "@yunlian/adapter-sdk";
import { vendorSessions } from "@yunlian/db";
import { decryptSecret, encryptSecret } from "@yunlian/secrets";
import { and, eq } from "drizzle-orm";
import type { HubServices } from "../hub-services.ts";

/** The vendor session of one hub user at one vendor: memory first, then the encrypted row. */
export function dbSessionStore(services: HubServices, userId: string, vendorPlatId: string): SessionStore {
  const { db, keyring, sessions } = services;
  // Built only when the database is asked: most calls are answered from memory.
  const where = () => and(eq(vendorSessions.userId, userId), eq(vendorSessions.vendorPlatId, vendorPlatId));
  return {
    async load(): Promise<VendorSession | undefined> {
      const cached = sessions.get(userId, vendorPlatId);
      if (cached) return cached;
      const [row] = await db.select().from(vendorSessions).where(where());
      if (!row) return undefined;
      const session = {
        vendorUserId: row.vendorUserId,
        accessToken: decryptSecret(keyring, row.tokenCiphertext, row.tokenKeyId),
      };
      sessions.set(userId, vendorPlatId, session);
      return session;
    },
    async save(session: VendorSession): Promise<void> {
      const { ciphertext, keyId } = encryptSecret(keyring, session.accessToken);
      const values = { vendorUserId: session.vendorUserId, tokenCiphertext: ciphertext, tokenKeyId: keyId };
      await db
        .insert(vendorSessions)
        .values({ userId, vendorPlatId, ...values })
        .onConflictDoUpdate({
          target: [vendorSessions.userId, vendorSessions.vendorPlatId],
          set: { ...values, updatedAt: new Date() },
        });
      sessions.set(userId, vendorPlatId, session);
    },
    async clear(): Promise<void> {
      sessions.delete(userId, vendorPlatId);
      await db.delete(vendorSessions).where(where());
    },
  };
}
