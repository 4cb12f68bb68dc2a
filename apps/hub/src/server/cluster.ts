import cluster, { type Worker } from "node:cluster";
import { openDatabase } from "@yunlian/db";
import { builtInAndConfiguredAdapters } from "../adapters.ts";
import type { HubConfig } from "../config.ts";
import { generateAdminToken, generateHexKey, storedOrGenerated } from "../lib/local-secrets.ts";
import { serveClusterMetrics } from "../observability/cluster-metrics.ts";

/**
 * The primary of HUB_HTTP_PROCESSES > 1: it prepares what must happen once (migrations, the
 * locally generated key and token files), forks one hub process per slot — they share the
 * listening port through node:cluster — and replaces any that dies once it was serving. Only
 * process 0 runs status-report delivery; the others serve HTTP alone (HUB_WORKERS=0), so
 * delivery works exactly as with one process. SIGTERM/SIGINT are passed on and the primary exits when all have stopped.
 */
export async function runPrimary(config: HubConfig): Promise<void> {
  await prepareOnce(config);
  serveClusterMetrics();
  const workers = new Map<number, Worker>();
  let stopping = false;
  let exitCode = 0;

  const fork = (index: number) => {
    // Each process reads its index back through its config (HubConfig.processIndex).
    const worker = cluster.fork({
      HUB_PROCESS_INDEX: String(index),
      ...(index > 0 ? { HUB_WORKERS: "0" } : {}),
    });
    // A process that dies before it listens is failing to start (bad configuration, database
    // unreachable): starting it again would only loop, so the hub stops instead.
    let listening = false;
    worker.once("listening", () => {
      listening = true;
      // On stderr with the primary's other lines: which processes serve, and a replacement's start.
      process.stderr.write(`hub process ${index} serving (pid ${worker.process.pid})\n`);
    });
    workers.set(index, worker);
    worker.on("exit", (code, signal) => {
      workers.delete(index);
      if (stopping) {
        if (workers.size === 0) process.exit(exitCode);
        return;
      }
      const how = signal ?? `code ${code}`;
      if (!listening) {
        process.stderr.write(`hub process ${index} failed to start (${how}); stopping the hub\n`);
        exitCode = 1;
        stop();
        return;
      }
      process.stderr.write(`hub process ${index} exited (${how}); starting it again\n`);
      fork(index);
    });
  };
  for (let i = 0; i < config.httpProcesses; i++) fork(i);

  function stop(): void {
    if (stopping) return;
    stopping = true;
    if (workers.size === 0) process.exit(exitCode);
    for (const worker of workers.values()) worker.process.kill("SIGTERM");
  }
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/** Migrations and generated secrets, done before any hub process starts so none of them race. */
async function prepareOnce(config: HubConfig): Promise<void> {
  // A bad adapter package stops the hub with its own message before any process is forked.
  await builtInAndConfiguredAdapters(config.adapterPackages);
  if (!config.secretKeyHex) storedOrGenerated(config.dataDir, "secret-key", generateHexKey);
  if (!config.adminToken) storedOrGenerated(config.dataDir, "admin-token", generateAdminToken);
  const database = await openDatabase({
    url: config.databaseUrl,
    maxConnections: 1,
    migrationsDir: config.migrationsDir,
  });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
}
