import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/index.ts";
import { PGLITE_TEMPLATE } from "../src/pglite.ts";

/** The cluster's system identifier: the first 8 bytes of global/pg_control, set once by initdb. */
function systemIdentifier(clusterDir: string): string {
  return readFileSync(join(clusterDir, "global", "pg_control"))
    .readBigUInt64LE(0)
    .toString();
}

describe("embedded PGlite footprint (docs/benchmarks.md)", () => {
  it("a new data folder is a copy of the build's template (no initdb) with a 16 MB buffer pool", async () => {
    const dir = await mkdtemp(join(tmpdir(), "yunlian-template-"));
    try {
      const handle = await openDatabase({ dataDir: dir });
      // PGlite's execute() answers { rows }; the driver-neutral Database type leaves it unknown.
      const rows = async <T>(query: ReturnType<typeof sql>) =>
        ((await handle.db.execute(query)) as unknown as { rows: T[] }).rows;
      try {
        const [control] = await rows<{ id: string }>(
          sql`select system_identifier::text as id from pg_control_system()`,
        );
        expect(control?.id).toBe(systemIdentifier(PGLITE_TEMPLATE));
        const [buffers] = await rows<{ shared_buffers: string }>(sql`show shared_buffers`);
        expect(buffers?.shared_buffers).toBe("16MB");
        await handle.migrate();
        await handle.ping();
      } finally {
        await handle.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
