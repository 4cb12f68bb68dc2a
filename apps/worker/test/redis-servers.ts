import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@yunlian/delivery/testing";

const run = promisify(execFile);

/**
 * Throwaway redis-server processes for the tests that lose Redis on purpose (never the shared
 * one): no persistence, so a killed server really comes back empty.
 */

/** Whether redis-server and redis-cli are on PATH. */
export async function redisBinariesPresent(): Promise<boolean> {
  try {
    await run("redis-server", ["--version"]);
    await run("redis-cli", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

export interface RedisProcess {
  port: number;
  proc: ChildProcess;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

/** Starts `redis-server` on `port` with `args`, resolved once it accepts connections. */
export async function startRedisServer(port: number, args: readonly string[] = []): Promise<RedisProcess> {
  const proc = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      ...args,
    ],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  // If the test process dies before its afterAll, the server must not outlive it.
  const orphanGuard = () => proc.kill("SIGKILL");
  process.once("exit", orphanGuard);
  const exited = new Promise<void>((resolve) =>
    proc.once("exit", () => {
      process.removeListener("exit", orphanGuard);
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    proc.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("Ready to accept connections")) resolve();
    });
    proc.once("exit", (code) => reject(new Error(`redis-server on ${port} exited early (${code})`)));
  });
  return {
    port,
    proc,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      await exited;
    },
  };
}

/** `redis-cli -p port args…`, its output. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run("redis-cli", ["-p", String(port), ...args]);
  return stdout;
}

export interface LocalCluster {
  /** Every node's port, masters and replicas alike. */
  ports: number[];
  /** REDIS_URL for it: a seed node plus ?cluster=1. */
  url: string;
  nodes: Map<number, RedisProcess>;
  /** Ports of the masters that answer now. */
  masters(): Promise<number[]>;
  /** Resolves once every live node says cluster_state:ok and `masters` masters are up. */
  waitHealthy(masters: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A Redis Cluster of `size` nodes on free loopback ports, one replica per master
 * (`redis-cli --cluster create … --cluster-replicas 1`). A master that stops answering for
 * `nodeTimeoutMs` is replaced by its replica.
 */
export async function startRedisCluster(size = 6, nodeTimeoutMs = 2_000): Promise<LocalCluster> {
  const dir = await mkdtemp(join(tmpdir(), "yl-cluster-"));
  const nodes = new Map<number, RedisProcess>();
  const stop = async () => {
    await Promise.all([...nodes.values()].map((n) => n.kill()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < size; i++) {
      const port = await freePort();
      // The bus port is named too: port + 10000 (the default) may be taken or out of range.
      const bus = await freePort();
      const node = await startRedisServer(port, [
        "--cluster-enabled",
        "yes",
        "--cluster-port",
        String(bus),
        "--cluster-config-file",
        join(dir, `nodes-${port}.conf`),
        "--cluster-node-timeout",
        String(nodeTimeoutMs),
        // A replica takes over however stale its last contact with the master looks: in a test
        // whose replicas may still be finishing their first sync when the master is killed, the
        // default data-age check (10 × node timeout) would otherwise keep the slots down.
        "--cluster-replica-validity-factor",
        "0",
        "--dir",
        dir,
      ]);
      nodes.set(port, node);
    }
    const ports = [...nodes.keys()];
    await run("redis-cli", [
      "--cluster",
      "create",
      ...ports.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      "1",
      "--cluster-yes",
    ]);
    const live = () =>
      ports.filter((p) => nodes.get(p)?.proc.exitCode === null && !nodes.get(p)?.proc.signalCode);
    const masters = async () => {
      const out: number[] = [];
      for (const p of live()) {
        const role = await redisCli(p, "role").catch(() => "");
        if (role.startsWith("master")) out.push(p);
      }
      return out;
    };
    const cluster: LocalCluster = {
      ports,
      url: `redis://127.0.0.1:${ports[0]}?cluster=1`,
      nodes,
      masters,
      async waitHealthy(expected, timeoutMs) {
        const end = Date.now() + timeoutMs;
        for (;;) {
          const states = await Promise.all(live().map((p) => redisCli(p, "cluster", "info").catch(() => "")));
          const ok = states.every((s) => s.includes("cluster_state:ok"));
          if (ok && (await masters()).length === expected) return;
          if (Date.now() > end) throw new Error(`cluster not healthy after ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 200));
        }
      },
      stop,
    };
    await cluster.waitHealthy(size / 2, 20_000);
    return cluster;
  } catch (err) {
    await stop();
    throw err;
  }
}
