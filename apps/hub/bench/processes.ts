import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/**
 * OS-process helpers of the op bench (Linux /proc and taskset; elsewhere they report nothing
 * and pin nothing): CPU time of a process tree, and CPU pinning.
 */

interface ProcStat {
  ppid: number;
  /** user + system CPU seconds */
  seconds: number;
}

function procStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      // ppid, utime and stime are fields 4, 14 and 15 of stat(5); times in clock ticks (100/s).
      stats.set(Number(entry), {
        ppid: Number(fields[1]),
        seconds: (Number(fields[11]) + Number(fields[12])) / 100,
      });
    } catch {
      // the process ended meanwhile
    }
  }
  return stats;
}

/** `pid` and every process below it (cluster processes). */
function tree(pid: number, stats: Map<number, ProcStat>): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.pop() as number;
    out.push(next);
    for (const [other, s] of stats) if (s.ppid === next) queue.push(other);
  }
  return out;
}

/** CPU seconds a process and its descendants have used so far; undefined without /proc. */
export function cpuSecondsOfTree(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync("/proc/self/stat")) return undefined;
  const stats = procStats();
  return tree(pid, stats).reduce((sum, p) => sum + (stats.get(p)?.seconds ?? 0), 0);
}

/** The parent of `pid` (e.g. the PostgreSQL postmaster of a backend); undefined without /proc. */
export function parentPid(pid: number): number | undefined {
  if (!existsSync("/proc/self/stat")) return undefined;
  return procStats().get(pid)?.ppid;
}

/**
 * Where things run when the machine allows it: the load generator and the simulated vendor
 * (this process) on CPU 0, the server under test on the other CPUs. Without pinning the scheduler
 * moves the server and the load generator between the two CPUs of this machine, and a server's
 * CPU time per request then swings by half from one measurement to the next.
 */
export interface Placement {
  pinned: boolean;
  /** taskset list for servers, e.g. "1" or "1-3". */
  serverCpus: string;
  /** CPUs a server may use. */
  serverCpuCount: number;
}

export function placeBench(): Placement {
  const cpus = availableParallelism();
  const unpinned = { pinned: false, serverCpus: "", serverCpuCount: cpus };
  if (cpus < 2 || !existsSync("/proc/self/stat")) return unpinned;
  const serverCpus = cpus === 2 ? "1" : `1-${cpus - 1}`;
  try {
    execFileSync("taskset", ["-a", "-cp", "0", String(process.pid)], { stdio: "ignore" });
    return { pinned: true, serverCpus, serverCpuCount: cpus - 1 };
  } catch {
    return unpinned; // no taskset here: run unpinned, and the report says so
  }
}

/** Pins a server process and everything below it to the server CPUs. */
export function pinServer(placement: Placement, pid: number | undefined): void {
  if (!placement.pinned || pid === undefined) return;
  for (const p of tree(pid, procStats())) {
    try {
      execFileSync("taskset", ["-a", "-cp", placement.serverCpus, String(p)], { stdio: "ignore" });
    } catch {
      // gone meanwhile
    }
  }
}
