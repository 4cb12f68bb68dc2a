import { readFileSync } from "node:fs";
import { join } from "node:path";
import { count, eq, sql } from "drizzle-orm";
import { expect } from "vitest";
import {
  accessTokens,
  bindings,
  type DatabaseHandle,
  deliveries,
  deliveryAttempts,
  hubUsers,
  manufacturerCodes,
  migrationsFolder,
  platforms,
  statusReports,
  vendorSessions,
} from "../src/index.ts";

// Checks shared by the PGlite and the PostgreSQL test files: both drivers must behave alike.

export async function expectMigratedTwice(handle: DatabaseHandle): Promise<void> {
  await handle.migrate();
  await handle.migrate();
  const rows = await handle.db.execute<{ n: number }>(
    sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
  );
  const applied = Array.isArray(rows) ? rows : (rows as { rows: { n: number }[] }).rows;
  // Exactly one row per committed migration: running again applied nothing twice.
  const journal = JSON.parse(readFileSync(join(migrationsFolder(), "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  expect(applied[0]?.n).toBe(journal.entries.length);
}

const platform = (platId: string) => ({
  platId,
  name: platId,
  appId: `app-${platId}`,
  secretCiphertext: "ciphertext",
  secretKeyId: "00000000",
});

/**
 * Deleting a platform removes its users and everything hanging off them or off the platform; a
 * vendor's reports take their deliveries (to any platform) and those their attempts along.
 */
export async function expectCascadeDelete(handle: DatabaseHandle): Promise<void> {
  const { db } = handle;
  await db.insert(platforms).values([platform("APP-A"), platform("VENDOR-B")]);
  const [app] = await db.select().from(platforms).where(eq(platforms.platId, "APP-A"));
  expect(app?.securityMode).toBe("hmac");
  expect(app?.certFingerprints).toEqual([]);
  expect(app?.adapterConfig).toEqual({});
  expect(app?.createdAt).toBeInstanceOf(Date);

  await db.insert(manufacturerCodes).values({ code: "000006", platId: "VENDOR-B" });
  await db.insert(hubUsers).values({ userId: "u1", platId: "APP-A", loginId: "alice" });
  await db.insert(accessTokens).values({
    tokenHash: "h1",
    userId: "u1",
    platId: "APP-A",
    expiresAt: new Date(Date.now() + 60_000),
  });
  await db.insert(vendorSessions).values({
    userId: "u1",
    vendorPlatId: "VENDOR-B",
    vendorUserId: "b-1",
    tokenCiphertext: "c",
    tokenKeyId: "k",
  });
  const udeviceId = "0000060102001ABC";
  await db.insert(bindings).values({ userId: "u1", udeviceId, platId: "APP-A", vendorPlatId: "VENDOR-B" });
  const [report] = await db
    .insert(statusReports)
    .values({ udeviceId, vendorPlatId: "VENDOR-B", dataType: "attr", deviceStatus: { onOffStatus: "1" } })
    .returning({ id: statusReports.id });
  expect(typeof report?.id).toBe("number");
  // APP-A and APP-C each receive the report; each delivery has an attempt on record.
  await db.insert(platforms).values(platform("APP-C"));
  await db.insert(deliveries).values([
    { id: "msg_1", reportId: report?.id ?? 0, platId: "APP-A", udeviceId },
    { id: "msg_2", reportId: report?.id ?? 0, platId: "APP-C", udeviceId },
  ]);
  const attempt = { attempt: 1, startedAt: new Date(), durationMs: 3 };
  await db.insert(deliveryAttempts).values([
    { deliveryId: "msg_1", ...attempt },
    { deliveryId: "msg_2", ...attempt },
  ]);
  const deliveryIds = async () =>
    (await db.select({ id: deliveries.id }).from(deliveries)).map((d) => d.id).sort();
  const attemptIds = async () =>
    (await db.select({ id: deliveryAttempts.deliveryId }).from(deliveryAttempts)).map((a) => a.id).sort();

  // Same loginID on another platform is another user; same (platId, loginId) is refused.
  await expect(
    db.insert(hubUsers).values({ userId: "u2", platId: "APP-A", loginId: "alice" }),
  ).rejects.toThrow();
  await expect(
    db.insert(platforms).values({ ...platform("BAD"), securityMode: "bogus" as "none" }),
  ).rejects.toThrow();

  await db.delete(platforms).where(eq(platforms.platId, "APP-A"));
  const left = async (table: typeof hubUsers | typeof accessTokens | typeof bindings | typeof deliveries) =>
    (await db.select({ n: count() }).from(table))[0]?.n;
  expect(await left(hubUsers)).toBe(0);
  expect(await left(accessTokens)).toBe(0);
  expect(await left(bindings)).toBe(0);
  // The receiving platform's deliveries go, and with them their attempts; APP-C's stay.
  expect(await deliveryIds()).toEqual(["msg_2"]);
  expect(await attemptIds()).toEqual(["msg_2"]);
  expect((await db.select({ n: count() }).from(vendorSessions))[0]?.n).toBe(0);
  // The vendor's own rows stay.
  expect((await db.select({ n: count() }).from(manufacturerCodes))[0]?.n).toBe(1);
  expect((await db.select({ n: count() }).from(statusReports))[0]?.n).toBe(1);

  await db.delete(platforms).where(eq(platforms.platId, "VENDOR-B"));
  expect((await db.select({ n: count() }).from(manufacturerCodes))[0]?.n).toBe(0);
  expect((await db.select({ n: count() }).from(statusReports))[0]?.n).toBe(0);
  // The vendor's reports took every delivery of them along, and those deliveries their attempts.
  expect(await deliveryIds()).toEqual([]);
  expect(await attemptIds()).toEqual([]);
}

/** A notification sent through one handle reaches a listener on another (or the same) handle. */
export async function expectListenNotify(listener: DatabaseHandle, sender: DatabaseHandle): Promise<void> {
  const channel = "platforms_changed";
  const got: string[] = [];
  let bothArrived = () => {};
  const arrived = new Promise<void>((resolve) => {
    bothArrived = resolve;
  });
  const stop = await listener.listen(channel, (payload) => {
    got.push(payload);
    if (got.length === 2) bothArrived();
  });
  try {
    await sender.notify(channel, "PARTNER-1");
    await sender.notify(channel, '{"platId":"P-2"}');
    await withTimeout(arrived, 5_000, "notifications did not arrive");
  } finally {
    await stop();
  }
  expect(got).toEqual(["PARTNER-1", '{"platId":"P-2"}']);
  // After stop() nothing more is delivered.
  await sender.notify(channel, "late");
  await new Promise((r) => setTimeout(r, 200));
  expect(got).toHaveLength(2);
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
