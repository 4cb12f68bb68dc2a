import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const sdkRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(sdkRoot, "package.json"));

/**
 * A TypeScript adapter written outside the repository, typechecked against the built package as
 * an installed dependency (node_modules symlink, no `source` condition): the exports map's `types`
 * give it every public type, and nothing outside the map can be imported.
 */
describe("the SDK as a typed dependency of an outside package", () => {
  const dir = mkdtempSync(join(tmpdir(), "yunlian-sdk-consumer-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("typechecks an adapter through the exports map and refuses a deep import", () => {
    mkdirSync(join(dir, "node_modules", "@yunlian"), { recursive: true });
    symlinkSync(sdkRoot, join(dir, "node_modules", "@yunlian", "adapter-sdk"), "dir");
    symlinkSync(
      realpathSync(dirname(require.resolve("zod/package.json"))),
      join(dir, "node_modules", "zod"),
      "dir",
    );
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "acme-adapter", type: "module" }));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          strict: true,
          noEmit: true,
          types: [],
        },
      }),
    );
    writeFileSync(
      join(dir, "index.ts"),
      `import { type Adapter, ADAPTER_CONTRACT_VERSION, AdapterError, withSession } from "@yunlian/adapter-sdk";
import { type CheckResult, runConformanceChecks } from "@yunlian/adapter-sdk/conformance/run";
import { z } from "zod";
const configSchema = z.object({ region: z.string() });
export const partial: Pick<Adapter<z.infer<typeof configSchema>>, "name" | "contractVersion" | "configSchema" | "login"> = {
  name: "acme",
  contractVersion: ADAPTER_CONTRACT_VERSION,
  configSchema,
  login: async (call) => withSession(call, { login: async () => ({ vendorUserId: "u", accessToken: "t" }) }, async (s) => s),
};
export const error: AdapterError = new AdapterError("rejected", "no", "403");
export const results: Promise<CheckResult[]> | undefined = undefined as unknown as ReturnType<typeof runConformanceChecks>;
export const info: Awaited<ReturnType<Adapter["listDevices"]>>[number] = { deviceID: "x" };
// @ts-expect-error a wrong kind is a type error
new AdapterError("nonsense", "x");
// @ts-expect-error only what the exports map names can be imported
import("@yunlian/adapter-sdk/dist/errors.js");
`,
    );
    const tsc = require.resolve("typescript/bin/tsc");
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8", stdio: "pipe" });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe("");
  }, 60_000);
});
