import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { run } from "../../src/index.ts";

export const TOKEN = "test-operator-token-0123456789-abcd";

interface RecordedRequest {
  method: string;
  /** Path with the query string, as sent. */
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

interface Reply {
  status: number;
  body?: unknown;
}

type Route = (req: RecordedRequest) => Reply;

/** A stand-in for the hub's admin API: checks the bearer token, records every request, answers from routes. */
export interface FakeHub {
  url: string;
  requests: RecordedRequest[];
  /** Routes keyed "METHOD /path" (path without the query string). */
  on(key: string, reply: Reply | Route): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? undefined : JSON.parse(text);
}

export async function startFakeHub(): Promise<FakeHub> {
  const routes = new Map<string, Route>();
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      authorization: req.headers.authorization,
      contentType: req.headers["content-type"],
      body: await readBody(req),
    };
    requests.push(recorded);
    const send = (r: Reply) => {
      if (r.body === undefined) {
        res.writeHead(r.status).end();
      } else {
        res.writeHead(r.status, { "content-type": "application/json" }).end(JSON.stringify(r.body));
      }
    };
    if (recorded.authorization !== `Bearer ${TOKEN}`) {
      return send({
        status: 401,
        body: { RetCode: "401", RetInfo: "admin API: send Authorization: Bearer <HUB_ADMIN_TOKEN>" },
      });
    }
    const path = recorded.url.split("?")[0] ?? "";
    const route = routes.get(`${recorded.method} ${path}`);
    if (!route)
      return send({ status: 404, body: { RetCode: "404", RetInfo: `no route ${recorded.method} ${path}` } });
    send(route(recorded));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(key, reply) {
      routes.set(key, typeof reply === "function" ? reply : () => reply);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A URL nothing listens on: a port that was free a moment ago. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs hubctl in-process against `hubUrl` with the right token unless env says otherwise. */
export async function cli(
  argv: string[],
  opts: { hubUrl?: string; env?: Record<string, string | undefined>; now?: Date; cwd?: string } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    env: { HUB_URL: opts.hubUrl, HUB_ADMIN_TOKEN: TOKEN, ...opts.env },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    now: opts.now ? () => opts.now as Date : undefined,
    cwd: opts.cwd,
  });
  return { code, stdout, stderr };
}

export const haier = {
  platId: "PARTNER-HAIER-0000",
  name: "Haier U+",
  manufacturerCodes: ["000006"],
  adapter: "standard",
  adapterConfig: {},
  apiBaseUrl: "https://haier.example/v1",
  verifyUrl: "https://haier.example/v1/user/verify",
  dataGatewayUrl: "https://haier.example/v1/dataservices/dataGateway",
  vendorAppId: null,
  appId: "app_haier_01",
  security: { mode: "hmac", certFingerprints: [] },
  dataGatewayDisabledAt: null,
  createdAt: "2025-03-01T08:00:00.000Z",
  updatedAt: "2025-03-01T08:00:00.000Z",
};

export const midea = {
  ...haier,
  platId: "PARTNER-MIDEA-0000",
  name: "美的美居",
  manufacturerCodes: ["000012", "000013", "000014", "000015"],
  appId: "app_midea_01",
  security: { mode: "mtls", certFingerprints: ["AB".repeat(32)] },
  createdAt: "2025-03-02T09:30:00.000Z",
};
