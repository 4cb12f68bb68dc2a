import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./harness.ts";

const hubRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface HubProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The hub as its own OS process, exactly as `pnpm start` and the Docker image run it: the built
 * JavaScript, `node dist/main.js` (vitest.shared.ts stops a run whose dist/ is stale), with `env`
 * as its environment.
 */
export async function startHubProcess(
  env: Record<string, string>,
  /** Node flags for this process (a benchmark's --inspect), after HUB_PROCESS_NODE_ARGS. */
  extraNodeArgs: readonly string[] = [],
): Promise<HubProcess> {
  const port = await freePort();
  let output = "";
  const nodeArgs = [
    ...(process.env.HUB_PROCESS_NODE_ARGS ?? "").split(" ").filter(Boolean),
    ...extraNodeArgs,
  ];
  const child = spawn(process.execPath, [...nodeArgs, "dist/main.js"], {
    cwd: hubRoot,
    // Only what the test gives it (and what Node needs to run): nothing of this process's environment.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? tmpdir(),
      PORT: String(port),
      HOST: "127.0.0.1",
      HUB_DATA_DIR: mkdtempSync(join(tmpdir(), "yunlian-hubproc-")),
      HUB_LOG_LEVEL: "warn",
      // Off unless the test sets it: background vendor calls would change what tests count.
      HUB_RECONCILE_RATE: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub process exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`hub process did not become healthy:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
