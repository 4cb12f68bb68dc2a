import { describe, expect, it } from "vitest";
import { openDatabase, resolveDataDir } from "../src/index.ts";

describe("openDatabase / resolveDataDir", () => {
  it("needs a url or a dataDir", async () => {
    await expect(openDatabase({})).rejects.toThrow(/postgres url or a PGlite dataDir/);
  });

  it("migrates from the folder it is given (HUB_MIGRATIONS_DIR)", async () => {
    const handle = await openDatabase({ dataDir: "memory://", migrationsDir: "/nonexistent/migrations" });
    try {
      await expect(handle.migrate()).rejects.toThrow(/_journal.json/);
    } finally {
      await handle.close();
    }
  });

  it("resolves the data folder against the directory the command was run from", () => {
    expect(resolveDataDir("./.data", "/srv/yunlian")).toBe("/srv/yunlian/.data");
    expect(resolveDataDir("state", "/srv/yunlian")).toBe("/srv/yunlian/state");
    expect(resolveDataDir("/abs/dir", "/srv/yunlian")).toBe("/abs/dir");
    expect(resolveDataDir("memory://", "/srv/yunlian")).toBe("memory://");
  });
});
