import cluster from "node:cluster";
import { type HubConfig, loadConfig } from "./config.ts";
import { answerPrimaryForMetrics } from "./observability/cluster-metrics.ts";
import { runPrimary } from "./server/cluster.ts";
import { type RunningHub, startHubServer } from "./server/start.ts";

/** `pnpm start`: a working hub with nothing but Node.js (embedded PGlite when DATABASE_URL is unset). */
async function main(): Promise<void> {
  // The one place the hub reads its environment: parsed once, passed down as HubConfig.
  const config = loadConfig(process.env);
  if (config.httpProcesses > 1 && cluster.isPrimary) return runPrimary(config);
  const shareMetrics = cluster.isWorker ? answerPrimaryForMetrics() : undefined;
  const running = await startHubServer(config);
  const { hub } = running;
  shareMetrics?.(hub.metrics.registry);
  // With several HTTP processes the first one speaks for all of them. On stderr: stdout is the
  // JSON log stream a collector parses, and the banner is for the person at the terminal.
  if (config.processIndex === 0) process.stderr.write(banner(config, running));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    hub.log.info({ signal }, "shutting down");
    await running.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

function banner(config: HubConfig, { hub, url }: RunningHub): string {
  const storage = config.databaseUrl
    ? "PostgreSQL (DATABASE_URL)"
    : `embedded PGlite in ${hub.config.dataDir}`;
  return [
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
    "Next steps:",
    `  export HUB_URL=${url} HUB_ADMIN_TOKEN=${config.adminToken || config.databaseUrl ? "<the admin token>" : hub.adminToken}`,
    "  node apps/cli/bin/hubctl.js platforms list    # the admin API from the command line (hubctl)",
    "  npx -y pnpm@12.4.2 demo                       # both scenarios against simulated clouds",
    ...(config.allowPrivateUrls
      ? []
      : [
          "  (to register simulators on this machine, restart with HUB_ALLOW_PRIVATE_URLS=1: never in production)",
        ]),
    "",
  ].join("\n");
}

/**
 * The token itself only in embedded mode, where it was generated into the local data folder of a
 * developer's machine and the banner is how a newcomer finds it. A production hub (DATABASE_URL)
 * gets its token from HUB_ADMIN_TOKEN and stdout ends up in log collectors there, so it only says
 * where the token comes from.
 */
function adminTokenLine(config: HubConfig, hub: RunningHub["hub"]): string {
  if (config.adminToken) return "from HUB_ADMIN_TOKEN";
  const where = `${hub.config.dataDir}/admin-token`;
  if (config.databaseUrl) return `stored in ${where} (mode 0600)`;
  return `${hub.adminToken}  (${hub.adminTokenGenerated ? "generated, " : ""}stored in ${where})`;
}

main().catch((err: unknown) => {
  process.stderr.write(`hub failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
