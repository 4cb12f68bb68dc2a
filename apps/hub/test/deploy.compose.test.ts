import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { HubMetrics } from "../src/observability/metrics.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The first compose CLI found: the v2 plugin (`docker compose`) or the standalone v1 binary. */
function composeCommand(): string[] | undefined {
  if (spawnSync("docker", ["compose", "version"], { stdio: "ignore" }).status === 0)
    return ["docker", "compose"];
  if (spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0) return ["docker-compose"];
  return undefined;
}

describe("docker/compose.yaml", () => {
  const compose = composeCommand();
  it.skipIf(!compose)("is accepted by `compose config` with the example env file", () => {
    const [bin = "", ...pre] = compose ?? [];
    const out = execFileSync(
      bin,
      [...pre, "-f", "docker/compose.yaml", "--env-file", "docker/.env.example", "config"],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    for (const service of ["postgres", "redis", "migrate", "hub", "worker"])
      expect(out).toContain(`${service}:`);
    expect(out).toMatch(/appendonly/);
    expect(out).toMatch(/noeviction/);
  });
});

describe("docker/compose.yaml, monitoring profile (Prometheus + Grafana)", () => {
  const compose = composeCommand();
  it.skipIf(!compose)("adds prometheus and grafana, and gives the hub its metrics token", () => {
    const [bin = "", ...pre] = compose ?? [];
    const out = execFileSync(
      bin,
      [
        ...pre,
        "-f",
        "docker/compose.yaml",
        "--env-file",
        "docker/.env.example",
        "--profile",
        "monitoring",
        "config",
      ],
      { cwd: root, encoding: "utf8" },
    );
    for (const service of ["prometheus", "grafana"]) expect(out).toContain(`${service}:`);
    expect(out).toContain("HUB_METRICS_TOKEN: change-me-metrics-token");
    // The workers get the token too: with it, each serves /metrics on 9465 (docs/adr/0013).
    const worker = /\n {2}worker:\n([\s\S]*?)(?:\n {2}[a-z-]+:\n|$)/.exec(out)?.[1] ?? "";
    expect(worker).toContain("HUB_METRICS_TOKEN: change-me-metrics-token");
    expect(worker).toMatch(/expose:\s+- ['"]?9465['"]?/);
  });

  it("the dashboard asks only for metrics the hub exposes, from the provisioned datasource", () => {
    const dashboard = JSON.parse(
      readFileSync(join(root, "docker/grafana/dashboards/yunlian-hub.json"), "utf8"),
    ) as {
      panels: { targets: { expr: string; datasource: { uid: string } }[] }[];
    };
    const exposed = new Set(
      new HubMetrics().registry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name),
    );
    const exprs = dashboard.panels.flatMap((p) => p.targets);
    expect(exprs.length).toBeGreaterThan(10);
    const datasources = readFileSync(
      join(root, "docker/grafana/provisioning/datasources/prometheus.yaml"),
      "utf8",
    );
    for (const target of exprs) {
      expect(datasources).toContain(`uid: ${target.datasource.uid}`);
      for (const [name] of target.expr.matchAll(/\b(?:yunlian|process|nodejs)_[a-z_]+/g)) {
        const family = name.replace(/_(bucket|sum|count)$/, "");
        expect(exposed.has(name) || exposed.has(family), `${name} in ${target.expr}`).toBe(true);
      }
    }
    const prometheus = readFileSync(join(root, "docker/prometheus/prometheus.yml"), "utf8");
    expect(prometheus).toContain('targets: ["hub:8080"]');
    // Every worker replica, by the service name, on its metrics port.
    expect(prometheus).toMatch(/job_name: yunlian-worker[\s\S]*names: \["worker"\][\s\S]*port: 9465/);
    expect(prometheus).toContain("credentials_file: /etc/prometheus/yunlian-metrics-token");
  });
});
