import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, resolveDataDir } from "../src/index.ts";

describe("openDatabase / resolveDataDir", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("needs a url or a dataDir", async () => {
    await expect(openDatabase({})).rejects.toThrow(/postgres url or a PGlite dataDir/);
  });

  it("resolves HUB_DATA_DIR against the directory the command was run from", () => {
    process.env.INIT_CWD = "/srv/yunlian";
    delete process.env.HUB_DATA_DIR;
    expect(resolveDataDir()).toBe("/srv/yunlian/.data");
    process.env.HUB_DATA_DIR = "state";
    expect(resolveDataDir()).toBe("/srv/yunlian/state");
    expect(resolveDataDir("/abs/dir")).toBe("/abs/dir");
    expect(resolveDataDir("memory://")).toBe("memory://");
    delete process.env.INIT_CWD;
    expect(resolveDataDir("x")).toBe(`${process.cwd()}/x`);
  });
});
