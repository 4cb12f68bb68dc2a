export { type WorkerConfig, workerConfigFromEnv } from "./config.ts";
export { type RunningWorker, startWorker } from "./worker.ts";
