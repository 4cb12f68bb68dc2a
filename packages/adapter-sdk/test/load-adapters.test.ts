import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { contractIncompatibility } from "../src/contract.ts";
import { AdapterPackageError, checkAdapter, loadAdapterPackages } from "../src/load-adapters.ts";

describe("contract version compatibility (semver: same major, minor up to the SDK's)", () => {
  it.each([
    ["1.2.0", "1.0.0", true],
    ["1.2.0", "1.2.0", true],
    ["1.2.0", "1.2.9", true],
    ["1.2.0", "1.3.0", false],
    ["1.2.0", "2.0.0", false],
    ["1.2.0", "0.9.0", false],
    ["1.2.0", "1.0", false],
    ["1.2.0", undefined, false],
  ])("a hub at %s and an adapter at %s: compatible %s", (supported, declared, ok) => {
    expect(contractIncompatibility(declared, supported) === undefined).toBe(ok);
  });
});

const root = mkdtempSync(join(tmpdir(), "yunlian-sdk-load-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An adapter with every method, as plain JavaScript (no imports: the loader does not care how it was made). */
const adapterModule = (name: string, extra = "") => `
const noop = async () => undefined;
export default {
  name: ${JSON.stringify(name)}, contractVersion: "1.0.0", configSchema: { safeParse: (v) => ({ success: true, data: v }) },
  login: noop, logout: noop, unregister: noop, bind: noop, unbind: noop, listDevices: noop, deviceInfo: noop,
  modifyDeviceInfo: noop, deviceStatus: noop, op: noop, parseReport: () => [],
  ${extra}
};`;

function writePackage(dir: string, manifest: Record<string, unknown>, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", ...manifest }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}

describe("loadAdapterPackages", () => {
  it("finds a package by name in node_modules above `from`, through its exports' import condition", async () => {
    writePackage(
      join(root, "node_modules", "@acme", "adapter"),
      { name: "@acme/adapter", exports: { ".": { require: "./nope.cjs", import: "./esm/main.js" } } },
      { "esm/main.js": adapterModule("acme") },
    );
    const deep = join(root, "ops", "hub");
    mkdirSync(deep, { recursive: true });
    const [adapter] = await loadAdapterPackages(["@acme/adapter"], { from: deep });
    expect(adapter?.name).toBe("acme");
  });

  it("loads a folder by relative path (main) and a file by path; `adapter` as a named export", async () => {
    writePackage(join(root, "pkgs", "by-main"), { main: "lib.js" }, { "lib.js": adapterModule("bymain") });
    writeFileSync(
      join(root, "pkgs", "named.mjs"),
      adapterModule("named").replace("export default", "export const adapter ="),
    );
    const loaded = await loadAdapterPackages(["./pkgs/by-main", "./pkgs/named.mjs"], { from: root });
    expect(loaded.map((a) => a.name)).toEqual(["bymain", "named"]);
  });

  it("names every package that fails, with every problem of each", async () => {
    writePackage(
      join(root, "pkgs", "bad"),
      {},
      {
        "index.js": 'export default { name: "", contractVersion: "2.0.0", login() {} };',
      },
    );
    const error = await loadAdapterPackages(["./pkgs/bad", "./pkgs/absent"], { from: root }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AdapterPackageError);
    const problems = (error as AdapterPackageError).problems;
    expect(problems.map((p) => p.spec)).toEqual(["./pkgs/bad", "./pkgs/absent"]);
    expect(problems[0]?.problem).toContain("name must be a non-empty string");
    expect(problems[0]?.problem).toContain('contractVersion "2.0.0" is not compatible');
    expect(problems[0]?.problem).toContain("configSchema is missing or not a zod schema");
    expect(problems[0]?.problem).toContain("missing methods: logout, unregister, bind");
    expect(problems[1]?.problem).toBe(
      `cannot be imported: no such file or folder ${join(root, "pkgs", "absent")}`,
    );
  });

  it("says so when a module exports no adapter", () => {
    expect(checkAdapter(undefined)).toEqual([
      "exports no adapter (expected the adapter object as the default export or as `adapter`)",
    ]);
  });
});
