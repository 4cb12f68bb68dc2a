import cluster from "node:cluster";
import { createServer } from "node:http";
import { Pool } from "undici";

/**
 * The baseline: a bare node:http server that forwards each POST to the device cloud with an
 * undici Pool and returns the answer — no parsing, no checks. Run as its own process:
 *   node bench/dist/forwarder.js <port> <target origin> <AccessToken> <PlatID> [processes]
 * (built from this file by `tsc -p tsconfig.bench.json`, which `pnpm bench` runs first).
 * With processes > 1 it runs that many copies behind node:cluster, as the hub does with
 * HUB_HTTP_PROCESSES, so the two can be compared with the same number of processes.
 */
const [port, target, accessToken, platId, processesArg] = process.argv.slice(2);
if (!port || !target || !accessToken || !platId)
  throw new Error("usage: forwarder.ts <port> <target> <token> <platId> [processes]");
const processes = Number(processesArg ?? 1);

if (processes > 1 && cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < processes; i++) {
    cluster.fork().once("listening", () => {
      if (++listening === processes) process.stdout.write("ready\n");
    });
  }
  process.on("SIGTERM", () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
    process.exit(0);
  });
} else {
  serve();
  // A clean exit (rather than death by signal) lets --cpu-prof write its profile.
  if (cluster.isPrimary) process.on("SIGTERM", () => process.exit(0));
}

function serve(): void {
  const pool = new Pool(target as string, { connections: 128, pipelining: 1 });
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      pool
        .request({
          method: "POST",
          path: req.url ?? "/",
          headers: {
            "content-type": "application/json;charset=UTF-8",
            PlatID: platId as string,
            AccessToken: accessToken as string,
          },
          body: Buffer.concat(chunks),
        })
        .then(async (answer) => {
          const body = await answer.body.text();
          res.writeHead(answer.statusCode, { "content-type": "application/json" });
          res.end(body);
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  }).listen(Number(port), "127.0.0.1", () => {
    if (cluster.isPrimary) process.stdout.write("ready\n");
  });
}
