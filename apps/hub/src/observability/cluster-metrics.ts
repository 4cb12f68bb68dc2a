import cluster from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";

/**
 * /metrics when HUB_HTTP_PROCESSES > 1. A scrape lands on whichever process accepted the
 * connection, so that process asks the primary, which collects every process's registry
 * (prom-client's AggregatorRegistry, over the cluster's IPC channel) and answers the sum —
 * Prometheus sees one hub, not a random process per scrape. Metrics read from the database
 * are shared by all processes and say so with `aggregator: "first"` (see metrics.ts).
 */

const REQUEST = "yunlian:cluster-metrics-request";
const ANSWER = "yunlian:cluster-metrics-answer";
const TIMEOUT_MS = 10_000;

interface MetricsMessage {
  type: string;
  id: number;
  text?: string;
  error?: string;
}

function isMetricsMessage(message: unknown): message is MetricsMessage {
  return typeof message === "object" && message !== null && "type" in message && "id" in message;
}

/** In the primary: answer the processes' requests for the aggregated text. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker, message: unknown) => {
    if (!isMetricsMessage(message) || message.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: ANSWER, id: message.id, text }),
      (err: unknown) => worker.send({ type: ANSWER, id: message.id, error: String(err) }),
    );
  });
}

/**
 * In an HTTP process, first thing at start: answer the primary's collection, with nothing until
 * the process has a registry (the returned function hands it over). The primary asks every
 * process it has forked, and prom-client's collection waits 5 s for each one and then fails the
 * whole scrape: a process still starting (or one replacing a killed one) that did not answer
 * would turn every scrape in that window into an error. A process that serves nothing yet has
 * nothing to add to the sum.
 */
export function answerPrimaryForMetrics(): (registry: Registry) => void {
  // Constructing one in a worker installs prom-client's listener for the primary's collection.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([]);
  return (registry) => AggregatorRegistry.setRegistries([registry]);
}

let nextId = 0;

/** In an HTTP process: the whole hub's metrics text, from the primary. */
export function clusterMetricsText(): Promise<string> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off("message", onMessage);
      reject(new Error("the hub's primary process did not answer for metrics"));
    }, TIMEOUT_MS);
    function onMessage(message: unknown): void {
      if (!isMetricsMessage(message) || message.type !== ANSWER || message.id !== id) return;
      clearTimeout(timer);
      process.off("message", onMessage);
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.text ?? "");
    }
    process.on("message", onMessage);
    process.send?.({ type: REQUEST, id });
  });
}
