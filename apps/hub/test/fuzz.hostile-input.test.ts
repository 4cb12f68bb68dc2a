import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { apiNames, requestSigningContent } from "@yunlian/protocol";
import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/client.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

/** Forced GC: vitest does not start workers with --expose-gc, so enable it at run time. */
function forceGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

const STANDARD_APIS = apiNames;

/** Valid-looking bodies to mutate: the fuzz gets past the parser into the handlers. */
const SEEDS: unknown[] = [
  { User: [{ UserBase: { loginID: "alice" } }], AuthToken: "t" },
  { UserID: "U1", Device: [{ DeviceInfo: { deviceID: "0000060102002001ABC" } }] },
  {
    UserID: "U1",
    Device: [{ DeviceInfo: { deviceID: "0000060102002001ABC" }, DeviceAttr: { onOffStatus: "True" } }],
  },
  {
    DeviceID: "0000060102002001ABC",
    DataType: "attr",
    DeviceStatus: { onOffStatus: "True" },
    TimeStamp: "1444965812870",
  },
  { platId: "FUZZ-NEW", name: "n", verifyUrl: "http://127.0.0.1:9/v", security: { mode: "hmac" } },
  { dataGatewayUrl: "http://127.0.0.1:9/gw", security: { certFingerprints: [] } },
];

/** A JSON value with one node replaced by something hostile, or keys dropped. */
function mutate(seed: unknown, path: number[], replacement: unknown): unknown {
  if (typeof seed !== "object" || seed === null || path.length === 0) return replacement;
  const entries = Object.entries(seed);
  if (entries.length === 0) return replacement;
  const [head = 0, ...rest] = path;
  const index = head % entries.length;
  const out = (Array.isArray(seed) ? [...seed] : { ...seed }) as Record<string, unknown>;
  const key = entries[index]?.[0] ?? "";
  if (rest.length === 0 && head % 7 === 0) delete out[key];
  else out[key] = mutate(entries[index]?.[1], rest, replacement);
  return out;
}

describe("fuzzing: hostile requests to every endpoint of the standard and the admin API", () => {
  let hub: TestHub;
  let pool: Pool;
  let creds: { platId: string; appSecret: string };
  let plainAppId: string;
  let adminPaths: string[];

  beforeAll(async () => {
    hub = await startTestHub("pglite", { HUB_MAX_BODY_BYTES: String(256 * 1024) });
    const admin = adminClient(hub.url, hub.adminToken);
    const app = await admin.post("/admin/v1/platforms", {
      platId: "FUZZ-APP",
      name: "app",
      verifyUrl: "http://127.0.0.1:9/v",
    });
    creds = { platId: "FUZZ-APP", appSecret: String(app.body.appSecret) };
    const plain = await admin.post("/admin/v1/platforms", {
      platId: "FUZZ-PLAIN",
      name: "plain",
      manufacturerCodes: ["000006"],
      apiBaseUrl: "http://127.0.0.1:9/v1",
      verifyUrl: "http://127.0.0.1:9/v",
      security: { mode: "none" },
    });
    plainAppId = String(plain.body.appId);
    // Every admin route the app has, whoever registered it (self-service, audit, deliveries …).
    adminPaths = [
      ...new Set(
        hub.hub
          .routes()
          .map((r) => r.path)
          .filter((p) => p.startsWith("/admin/v1/")),
      ),
    ];
    pool = new Pool(hub.url, { connections: 8 });
  }, 60_000);
  afterAll(async () => {
    await pool?.close();
    await hub?.close();
  });

  const param = fc.oneof(
    fc.constantFrom("FUZZ-APP", "FUZZ-PLAIN", "0000060102002001ABC", "dlv_x", "x"),
    fc.string({ maxLength: 30 }).map(encodeURIComponent),
  );
  const body = fc.oneof(
    fc.json({ maxDepth: 6 }),
    fc.string({ maxLength: 300 }),
    fc
      .tuple(fc.constantFrom(...SEEDS), fc.array(fc.nat(), { maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }))
      .map(([seed, path, value]) => JSON.stringify(mutate(seed, path, value))),
    fc.nat({ max: 2000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
  );
  const request = fc.record({
    target: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...STANDARD_APIS).map((api) => `/v1/${api}`) },
      {
        weight: 2,
        arbitrary: fc.tuple(fc.constantFrom(...(["/admin/v1/platforms"] as string[])), param).map(([p]) => p),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => `/${encodeURI(s)}`) },
    ),
    adminRoute: fc.nat(),
    params: fc.array(param, { minLength: 3, maxLength: 3 }),
    method: fc.oneof(
      { weight: 12, arbitrary: fc.constant("POST") },
      { weight: 2, arbitrary: fc.constantFrom("GET", "PATCH") },
      { weight: 1, arbitrary: fc.constantFrom("DELETE", "PUT", "OPTIONS", "HEAD") },
    ),
    body,
    platId: fc.option(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom("FUZZ-APP", "FUZZ-PLAIN") },
        fc.string({ maxLength: 20 }),
      ),
      { freq: 8 },
    ),
    sign: fc.constantFrom("none", "valid", "valid", "garbage"),
    admin: fc.constantFrom("none", "valid", "wrong"),
    contentType: fc.constantFrom(
      "application/json",
      "application/json;charset=UTF-8",
      "text/plain",
      "",
      "multipart/form-data",
    ),
    query: fc.option(
      fc.dictionary(
        fc.constantFrom("limit", "cursor", "from", "to", "status", "actor", "action", "platId"),
        fc.string({ maxLength: 12 }),
      ),
    ),
    extraHeaders: fc.oneof(
      { weight: 3, arbitrary: fc.constant({}) },
      fc.dictionary(
        fc.constantFrom("AccessToken", "AppID", "AuthToken", "PlateID", "webhook-timestamp"),
        fc.string({ maxLength: 40 }),
      ),
    ),
  });

  it(`${RUNS} hostile requests: never a 500, always a RetCode on the standard API, memory back, /health 200`, async () => {
    type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;
    const gc = forceGc();
    let adminIndex = 0;
    const send = async (r: FuzzRequest) => {
      let path = r.target;
      if (path === "/admin/v1/platforms") {
        const route = adminPaths[(adminIndex++ + r.adminRoute) % adminPaths.length] ?? path;
        let i = 0;
        path = route.replace(/:[A-Za-z]+/g, () => r.params[i++] ?? "x");
      }
      if (r.query) path += `?${new URLSearchParams(r.query).toString()}`;
      const headers: Record<string, string> = { ...(r.extraHeaders as Record<string, string>) };
      if (r.contentType) headers["content-type"] = r.contentType;
      if (r.platId !== null) headers.PlatID = r.platId;
      // Mode none authenticates with PlatID + AppID: send it unless the fuzzed headers carry one.
      if (r.platId === "FUZZ-PLAIN" && headers.AppID === undefined) headers.AppID = plainAppId;
      const text = r.method === "GET" || r.method === "HEAD" ? undefined : r.body;
      if (r.sign !== "none") {
        const id = `msg_${Math.random().toString(36).slice(2)}`;
        const now = new Date();
        headers["webhook-id"] = id;
        headers["webhook-timestamp"] = String(Math.floor(now.getTime() / 1000));
        headers["webhook-signature"] =
          r.sign === "valid"
            ? new Webhook(creds.appSecret).sign(id, now, requestSigningContent(r.method, path, text ?? ""))
            : "v1,Zm9v v2,???";
      }
      if (r.admin !== "none")
        headers.authorization = `Bearer ${r.admin === "valid" ? hub.adminToken : "wrong-token"}`;
      const res = await pool.request({ path, method: r.method, headers, body: text });
      const raw = await res.body.text();
      return { path, status: res.statusCode, raw };
    };
    const statuses = new Map<number, number>();
    const check = async (r: FuzzRequest) => {
      const { path, status, raw } = await send(r);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(status, `${r.method} ${path} → ${raw.slice(0, 300)}`).not.toBe(500);
      if (path.startsWith("/v1/") && r.method !== "HEAD") {
        const parsed = JSON.parse(raw) as { RetCode?: unknown };
        expect(typeof parsed.RetCode, `${r.method} ${path} → ${raw.slice(0, 200)}`).toBe("string");
      }
    };

    // Warm up (JIT, caches, pools), then measure.
    for (const r of fc.sample(request, 300)) await send(r);
    gc();
    const before = process.memoryUsage().heapUsed;
    const started = Date.now();
    await fc.assert(fc.asyncProperty(request, check), { numRuns: RUNS, endOnFailure: true });
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
    gc();
    const after = process.memoryUsage().heapUsed;
    const grownMb = (after - before) / 2 ** 20;
    console.info(
      `fuzz: ${RUNS} requests in ${Date.now() - started} ms, heap ${(before / 2 ** 20).toFixed(1)} → ${(after / 2 ** 20).toFixed(1)} MiB, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(grownMb).toBeLessThan(32);
    const health = await fetch(`${hub.url}/health`);
    expect(health.status).toBe(200);
  }, 120_000);
});
