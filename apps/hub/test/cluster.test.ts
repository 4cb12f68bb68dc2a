import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase } from "@yunlian/db/testing";
import { redisAvailable, TEST_REDIS_URL, uniquePrefix } from "@yunlian/delivery/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresOrSkip } from "./support/harness.ts";
import { type HubProcess, startHubProcess } from "./support/hub-process.ts";
import { setUpDeviceOp } from "./support/op-setup.ts";
import { writeThrowawayAdapter } from "./support/throwaway-adapter.ts";

/** The hub processes whose parent is `pid` (Linux /proc): the HTTP processes of a hub primary. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) !== pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("dist/main.js")) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One POST on a connection of its own, so node:cluster hands each to a process afresh. */
function postOnNewConnection(url: string, path: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${url}${path}`, { method: "POST", agent: false, headers }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => {
        text += d.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * HUB_HTTP_PROCESSES=2: two HTTP processes share the port behind one primary. Process 1 is held
 * in its start (an adapter package whose import waits for a file) until the test lets it go, so
 * the test knows which processes serve at each step instead of racing their start.
 */
describe("several HTTP processes (HUB_HTTP_PROCESSES)", () => {
  let hub: HubProcess | undefined;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  let opCall: (() => Promise<{ status: number; body: string }>) | undefined;
  const ADMIN = "cluster-admin-token-0123456789-abcd";
  const releaseDir = mkdtempSync(join(tmpdir(), "yunlian-cluster-"));
  const release = join(releaseDir, "release-process-1");
  const heldAdapterDir = writeThrowawayAdapter({
    adapterName: "cluster-held",
    holdStartOf: { processIndex: 1, file: release },
  });
  const serving = (index: number) => hub?.output().includes(`hub process ${index} serving`) ?? false;
  const scrape = async () => {
    const res = await fetch(`${hub?.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    if (!(await postgresOrSkip()) || !(await redisAvailable())) return;
    database = await createTestDatabase();
    hub = await startHubProcess({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      HUB_QUEUE_PREFIX: uniquePrefix("cluster"),
      HUB_HTTP_PROCESSES: "2",
      HUB_ADMIN_TOKEN: ADMIN,
      HUB_SECRET_KEY: "44".repeat(32),
      HUB_ALLOW_PRIVATE_URLS: "1",
      HUB_ADAPTERS: heldAdapterDir,
    });
    const setup = await setUpDeviceOp(hub.url, ADMIN);
    cleanup = setup.close;
    const url = hub.url;
    opCall = () => postOnNewConnection(url, "/v1/devices/op", setup.headers, setup.body);
  }, 90_000);

  afterAll(async () => {
    writeFileSync(release, "");
    await hub?.stop();
    rmSync(releaseDir, { recursive: true, force: true });
    rmSync(heldAdapterDir, { recursive: true, force: true });
    await cleanup?.();
    await database?.drop();
  });

  it("answers /metrics while a process is still starting, from those that serve", async (ctx) => {
    if (!hub) return ctx.skip();
    expect(serving(0)).toBe(true);
    expect(serving(1)).toBe(false);
    // Without an answer from process 1, prom-client's collection fails after 5 s: a 500.
    const { status, text } = await scrape();
    expect(status, text).toBe(200);
    expect(text).toContain('yunlian_requests_total{interface="/admin/v1/platforms"');
    expect(serving(1)).toBe(false);

    writeFileSync(release, "");
    await waitFor("process 1 to serve", () => serving(1));
  }, 60_000);

  it("answers every call, counts each once in /metrics summed over the processes, and replaces a killed one", async (ctx) => {
    if (!hub || !opCall) return ctx.skip();
    const primary = hub.child.pid ?? 0;
    writeFileSync(release, "");
    await waitFor("both HTTP processes to serve", () => serving(0) && serving(1));
    expect(childrenOf(primary)).toHaveLength(2);

    const answers = await Promise.all(Array.from({ length: 40 }, () => opCall?.()));
    expect(answers.map((a) => a?.status)).toEqual(Array(40).fill(200));
    // Every op counted once, whichever process served it: the primary sums the processes.
    const opsCounted = async () => {
      const { status, text } = await scrape();
      expect(status, text).toBe(200);
      const line = text
        .split("\n")
        .find((l) => l.startsWith('yunlian_requests_total{interface="/v1/devices/op"'));
      return Number(line?.split(" ").pop());
    };
    expect(await opsCounted()).toBe(40);

    const [victim] = childrenOf(primary);
    process.kill(victim ?? 0, "SIGKILL");
    await waitFor("the killed process to be replaced", () => {
      const now = childrenOf(primary);
      return now.length === 2 && !now.includes(victim ?? 0);
    });
    await waitFor("the new process to serve", async () => {
      const again = await Promise.all(Array.from({ length: 10 }, () => opCall?.()));
      return again.every((a) => a?.status === 200);
    });
  }, 60_000);

  it("stops every process on SIGTERM", async (ctx) => {
    if (!hub) return ctx.skip();
    const primary = hub.child.pid ?? 0;
    const exited = new Promise<number | null>((resolve) => hub?.child.once("exit", (code) => resolve(code)));
    hub.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await waitFor("the HTTP processes to exit", () => childrenOf(primary).length === 0);
  }, 30_000);
});
