import { ConfigError } from "@yunlian/config";
import { pino } from "pino";
import { loadWorkerConfig, type WorkerConfig } from "./config.ts";
import { startWorker } from "./worker.ts";

// The worker process entry point (`pnpm start`): JSON logs on stdout, graceful stop on SIGTERM/SIGINT.

// The one place the worker reads its environment: parsed once, passed down as WorkerConfig. A bad
// configuration stops it here, with one message naming every bad variable.
let config: WorkerConfig;
try {
  config = loadWorkerConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`worker failed to start: ${err.message}\n`);
  process.exit(1);
}
const log = pino({ name: "yunlian-worker", level: config.logLevel });

async function main(): Promise<void> {
  const worker = await startWorker(config, { log });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, "second signal: exiting without waiting for in-flight deliveries");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, "stopping: no new jobs, finishing in-flight deliveries");
    worker.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err: String(err) }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

// A start that fails (a bad HUB_ADAPTERS package, an unreachable database) says why on stderr, as the hub does.
main().catch((err: unknown) => {
  process.stderr.write(`worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
