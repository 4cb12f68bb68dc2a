import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { freePort } from "../../test/support/harness.ts";

/**
 * The soak's own PostgreSQL and Redis servers. The shared servers on this machine are unfit for
 * it: PostgreSQL runs with autovacuum off (a server-wide setting, not per database) and both
 * carry other helpers' work, which /proc CPU sums, INFO and pg_database_size would count as ours.
 * A private cluster (initdb in a temporary directory) runs with autovacuum on, as production
 * does; everything its process tree spends is the soak's.
 */

export interface ServerProcess {
  pid: number;
  stop(): Promise<void>;
}

export interface SoakPostgres extends ServerProcess {
  url: string;
  /** What the results say about where the database ran. */
  description: string;
}

function pgBinDir(): string | undefined {
  try {
    return execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
  } catch {
    const base = "/usr/lib/postgresql";
    if (!existsSync(base)) return undefined;
    const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
    return versions[0] ? join(base, versions[0], "bin") : undefined;
  }
}

/** uid/gid to run PostgreSQL as: initdb refuses root, so as root the `postgres` account. */
function pgUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

function stopper(child: ChildProcess, signal: NodeJS.Signals): () => Promise<void> {
  const guard = () => child.kill("SIGKILL");
  process.once("exit", guard);
  return () =>
    new Promise<void>((resolve) => {
      process.removeListener("exit", guard);
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });
}

/** A fresh PostgreSQL cluster with autovacuum on, on a free loopback port. */
export async function startPostgres(): Promise<SoakPostgres> {
  const bin = pgBinDir();
  if (!bin || !existsSync(join(bin, "initdb")))
    throw new Error("bench:soak needs PostgreSQL's initdb and postgres binaries (pg_config --bindir)");
  const user = pgUser();
  const dir = mkdtempSync(join(tmpdir(), "yunlian-soak-pg-"));
  chmodSync(dir, 0o700);
  if (user) chownSync(dir, user.uid, user.gid);
  const asUser = user ? { uid: user.uid, gid: user.gid } : {};
  execFileSync(join(bin, "initdb"), ["-D", dir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"], {
    ...asUser,
    stdio: "ignore",
    env: { PATH: process.env.PATH ?? "", LANG: "C" },
  });
  const port = await freePort();
  const settings = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: dir,
    autovacuum: "on",
    max_connections: "200",
    shared_buffers: "128MB",
    // What the retention job and the hot path do, in the server log for a look afterwards.
    log_min_messages: "warning",
  };
  const child = spawn(
    join(bin, "postgres"),
    ["-D", dir, "-p", String(port), ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])],
    { ...asUser, stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH ?? "", LANG: "C" } },
  );
  let log = "";
  child.stderr?.on("data", (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const stop = stopper(child, "SIGINT");
  const url = `postgres://postgres@127.0.0.1:${port}/soak`;
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited early:\n${log}`);
    try {
      const sql = postgres(admin, { max: 1, onnotice: () => {} });
      await sql`create database soak`;
      await sql.end();
      break;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`postgres did not start: ${String(err)}\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const version = execFileSync(join(bin, "postgres"), ["--version"], { encoding: "utf8" }).trim();
  return {
    pid: child.pid ?? 0,
    url,
    description: `${version}, a cluster of its own (initdb in a temporary directory), autovacuum on, shared_buffers 128MB, fsync on`,
    async stop() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SoakRedis extends ServerProcess {
  url: string;
  port: number;
}

/** A redis-server of its own (no persistence), so INFO's memory and command counts are the soak's. */
export async function startRedis(): Promise<SoakRedis> {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  const stop = stopper(child, "SIGTERM");
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("Ready to accept connections")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited early (${code})`)));
  });
  return { pid: child.pid ?? 0, port, url: `redis://127.0.0.1:${port}`, stop };
}

interface ProcStat {
  ppid: number;
  /** Own user + system CPU seconds, plus those of children it has waited for (stat(5) cutime, cstime). */
  seconds: number;
  rssBytes: number;
}

function procStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, "utf8");
      const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
      // Fields 4 (ppid), 14–17 (utime, stime, cutime, cstime, clock ticks of 1/100 s), 24 (rss, pages).
      stats.set(Number(entry), {
        ppid: Number(f[1]),
        seconds: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100,
        rssBytes: Number(f[21]) * 4096,
      });
    } catch {
      // ended meanwhile
    }
  }
  return stats;
}

/**
 * CPU seconds and RSS of a process and everything below it. The CPU of exited children (every
 * PostgreSQL backend that closed, autovacuum workers) is in their parent's cutime/cstime once
 * reaped, so a whole server's CPU is counted, not only of the processes alive now.
 */
export function treeUsage(pid: number): { cpuSeconds: number; rssBytes: number } {
  const stats = procStats();
  let cpuSeconds = 0;
  let rssBytes = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.pop() as number;
    const s = stats.get(next);
    if (!s) continue;
    cpuSeconds += s.seconds;
    rssBytes += s.rssBytes;
    for (const [other, o] of stats) if (o.ppid === next) queue.push(other);
  }
  return { cpuSeconds, rssBytes };
}
