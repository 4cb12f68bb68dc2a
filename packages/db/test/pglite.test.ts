import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { count } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase, platforms } from "../src/index.ts";
import { expectCascadeDelete, expectListenNotify, expectMigratedTwice } from "./scenarios.ts";

describe("PGlite (embedded)", () => {
  const open: DatabaseHandle[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
  });
  const memory = async () => {
    const h = await openDatabase({ dataDir: "memory://" });
    open.push(h);
    return h;
  };

  it("migrates, and migrating again changes nothing", async () => {
    const h = await memory();
    expect(h.kind).toBe("pglite");
    await expectMigratedTwice(h);
    await h.ping();
  });

  it("concurrent migrate() calls on one handle both succeed", async () => {
    const h = await memory();
    await Promise.all([h.migrate(), h.migrate()]);
  });

  it("deleting a platform cascades to its users, tokens, sessions, bindings and deliveries", async () => {
    const h = await memory();
    await h.migrate();
    await expectCascadeDelete(h);
  });

  it("LISTEN/NOTIFY round trip", async () => {
    const h = await memory();
    await expectListenNotify(h, h);
  });

  it("persists in a data folder across restarts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "yunlian-db-"));
    try {
      const first = await openDatabase({ dataDir: join(dir, "data") });
      await first.migrate();
      await first.db
        .insert(platforms)
        .values({ platId: "P", name: "P", appId: "a", secretCiphertext: "c", secretKeyId: "k" });
      await first.close();

      const second = await openDatabase({ dataDir: join(dir, "data") });
      open.push(second);
      await second.migrate();
      expect((await second.db.select({ n: count() }).from(platforms))[0]?.n).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("wraps work in transactions that roll back on error", async () => {
    const h = await memory();
    await h.migrate();
    await expect(
      h.db.transaction(async (tx) => {
        await tx
          .insert(platforms)
          .values({ platId: "T", name: "T", appId: "t", secretCiphertext: "c", secretKeyId: "k" });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await h.db.select({ n: count() }).from(platforms))[0]?.n).toBe(0);
  });
});
