import { createServer } from "node:http";
import { Pool } from "undici";

/**
 * The baseline: a bare node:http server that forwards each POST to the device cloud with an
 * undici Pool and returns the answer — no parsing, no checks. Run as its own process:
 *   node --import tsx bench/forwarder.ts <port> <target origin> <AccessToken> <PlatID>
 */
const [port, target, accessToken, platId] = process.argv.slice(2);
if (!port || !target || !accessToken || !platId)
  throw new Error("usage: forwarder.ts <port> <target> <token> <platId>");
const pool = new Pool(target, { connections: 128, pipelining: 1 });

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
          PlatID: platId,
          AccessToken: accessToken,
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
}).listen(Number(port), "127.0.0.1", () => process.stdout.write("ready\n"));
