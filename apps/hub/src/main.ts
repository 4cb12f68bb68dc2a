import cluster from "node:cluster";
import { loadConfig } from "./config.ts";
import { buildHub } from "./hub.ts";
import { shareMetricsWithPrimary } from "./observability/cluster-metrics.ts";
import { serveHub } from "./security/http-server.ts";
import { runPrimary } from "./server/cluster.ts";

/** `pnpm start`: a working hub with nothing but Node.js (embedded PGlite when DATABASE_URL is unset). */
async function main(): Promise<void> {
  // The one place the hub reads its environment: parsed once, passed down as HubConfig.
  const config = loadConfig(process.env);
  if (config.httpProcesses > 1 && cluster.isPrimary) return runPrimary(config);
  const hub = await buildHub(config);
  if (cluster.isWorker) shareMetricsWithPrimary(hub.services.metrics.registry);
  const { log } = hub.services;

  const server = serveHub(hub.listener, config, (info) => {
    // With several HTTP processes the first one speaks for all of them.
    if (config.processIndex > 0) return;
    const scheme = config.tls ? "https" : "http";
    const url = `${scheme}://${info.address.includes(":") ? "localhost" : info.address}:${info.port}`;
    const storage = config.databaseUrl ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${config.dataDir}`;
    process.stdout.write(
      [
        "",
        `Yunlian hub ${config.platId} listening on ${url}`,
        `  storage:     ${storage}`,
        ...(config.httpProcesses > 1
          ? [`  processes:   ${config.httpProcesses} HTTP processes share the port`]
          : []),
        `  health:      ${url}/health`,
        `  standard API ${url}/v1/…   admin API ${url}/admin/v1/…`,
        `  console:     ${url}/console   API reference ${url}/docs   metrics ${url}/metrics`,
        `  admin token: ${adminTokenLine(config, hub)}`,
        "",
      ].join("\n"),
    );
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    server.close();
    await hub.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/**
 * The token itself only in embedded mode, where it was generated into the local data folder of a
 * developer's machine and the banner is how a newcomer finds it (issue: "prints … the admin token it
 * uses"). A production hub (DATABASE_URL) gets its token from HUB_ADMIN_TOKEN and stdout ends up in
 * log collectors there, so it only says where the token comes from.
 */
function adminTokenLine(
  config: ReturnType<typeof loadConfig>,
  hub: Awaited<ReturnType<typeof buildHub>>,
): string {
  if (config.adminToken) return "from HUB_ADMIN_TOKEN";
  const where = `${config.dataDir}/admin-token`;
  if (config.databaseUrl) return `stored in ${where} (mode 0600)`;
  return `${hub.adminToken}  (${hub.adminTokenGenerated ? "generated, " : ""}stored in ${where})`;
}

main().catch((err: unknown) => {
  process.stderr.write(`hub failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
