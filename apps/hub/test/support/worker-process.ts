import { type ChildProcess, spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** apps/worker, whose built entry point these tests run. */
const workerRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "worker");

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * apps/worker as its own OS process, exactly as its Docker image runs it: `node dist/main.js`
 * (vitest.shared.ts stops a run whose dist/ is stale), with `env` as its whole environment (plus
 * what Node needs).
 */
export function spawnWorkerProcess(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ["dist/main.js"], {
    cwd: workerRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), HUB_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Waits until the worker's /metrics answers (its delivery, reconciler and endpoint have started). */
export async function waitForMetrics(worker: WorkerProcess, url: string, token: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (worker.child.exitCode !== null) throw new Error(`worker exited early:\n${worker.output()}`);
    try {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`worker /metrics did not answer:\n${worker.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
