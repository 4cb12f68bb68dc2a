/**
 * Issue 18: the OpenAPI document generates a usable client. A partner's path, in a folder outside
 * the workspace: openapi-typescript turns the document this hub serves into types, tsc checks a
 * small program written against them with openapi-fetch, and the program runs against the hub —
 * an admin GET, a platform registration, a login and a standard call signed per request with
 * only what the document says (the webhook-* header parameters and the recipe), node:crypto for
 * the HMAC. The error examples the document shows are the answers the hub really gives.
 */
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "./support/harness.ts";

const run = promisify(execFile);
const hubDir = fileURLToPath(new URL("..", import.meta.url));
const bin = (name: string) => join(hubDir, "node_modules", ".bin", name);

type Json = Record<string, unknown>;

let hub: TestHub;
let verifier: Server;
let verifyUrl: string;
let doc: Json;
let dir: string;

beforeAll(async () => {
  // The app platform's verify endpoint (7.1.4): vouches for every user.
  verifier = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ RetCode: "200", RetInfo: "OK" }));
  });
  await new Promise<void>((resolve) => verifier.listen(0, "127.0.0.1", resolve));
  verifyUrl = `http://127.0.0.1:${(verifier.address() as AddressInfo).port}/v1/user/verify`;
  hub = await startTestHub("pglite", { HUB_RATE_LIMIT: "1/s,burst=40", HUB_UNAUTH_RATE_LIMIT: "off" });
  doc = (await (await fetch(`${hub.url}/openapi.json`)).json()) as Json;
  dir = mkdtempSync(join(tmpdir(), "yunlian-openapi-client-"));
  // What `npm install openapi-fetch @types/node` would give the partner's folder.
  mkdirSync(join(dir, "node_modules", "@types"), { recursive: true });
  symlinkSync(join(hubDir, "node_modules", "openapi-fetch"), join(dir, "node_modules", "openapi-fetch"));
  symlinkSync(join(hubDir, "node_modules", "@types", "node"), join(dir, "node_modules", "@types", "node"));
}, 60_000);

afterAll(async () => {
  await hub?.close();
  await new Promise((resolve) => verifier?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: ["node"],
  },
  files: ["program.ts"],
};

/** The partner's program: typed by the generated `paths`, signing as the document says. */
const PROGRAM = `import { createHmac, randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import type { paths } from "./schema.ts";

const baseUrl = process.env.SERVER_URL ?? "";
const admin = { Authorization: \`Bearer \${process.env.ADMIN_TOKEN}\` };
const client = createClient<paths>({ baseUrl });
const out: Record<string, unknown> = {};

// An admin GET: the answer is typed (platforms[].platId is a string).
const listed = await client.GET("/admin/v1/platforms", { headers: admin });
const ids: string[] = listed.data?.platforms.map((p) => p.platId) ?? [];
out.listBefore = { status: listed.response.status, ids };

// A registration: the body is checked against RegisterPlatformInput at compile time.
// @ts-expect-error platId must be a string: the generated types know the body.
void (() => client.POST("/admin/v1/platforms", { headers: admin, body: { platId: 1, name: "x" } }));
const created = await client.POST("/admin/v1/platforms", {
  headers: admin,
  body: { platId: "APP-PLAT-0001", name: "An app platform", verifyUrl: process.env.VERIFY_URL },
});
const appSecret: string = created.data?.appSecret ?? "";
out.created = { status: created.response.status, platId: created.data?.platId, security: created.data?.security };

// The recipe of the webhook-signature parameter: HMAC-SHA256 with the base64 after whsec_, over
// webhook-id.webhook-timestamp.METHOD path\\nbody, sent as v1,<base64>.
function signed(path: string, body: string, id = \`msg_\${randomUUID()}\`) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(appSecret.replace(/^whsec_/, ""), "base64");
  const mac = createHmac("sha256", key).update(\`\${id}.\${timestamp}.POST \${path}\\n\${body}\`).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": \`v1,\${mac}\` };
}

const loginBody = { User: [{ UserBase: { loginID: "alice" } }], AuthToken: "alice-token" };
const loginText = JSON.stringify(loginBody);
const login = await client.POST("/v1/user/login", {
  params: { header: { PlatID: "APP-PLAT-0001", ...signed("/v1/user/login", loginText) } },
  body: loginBody,
  bodySerializer: () => loginText,
});
const userId: string = login.data?.User?.[0]?.UserBase?.userID ?? "";
out.login = { status: login.response.status, retCode: login.data?.RetCode, userId };

const devicesBody = { UserID: userId };
const devicesText = JSON.stringify(devicesBody);
const fixedId = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const devices = await client.POST("/v1/users/devices", {
  params: { header: { PlatID: "APP-PLAT-0001", ...signed("/v1/users/devices", devicesText, fixedId) } },
  body: devicesBody,
  bodySerializer: () => devicesText,
});
out.devices = { status: devices.response.status, data: devices.data };

// The same webhook-id again: refused, with the RetCode body the document describes.
const again = await client.POST("/v1/users/devices", {
  params: { header: { PlatID: "APP-PLAT-0001", ...signed("/v1/users/devices", devicesText, fixedId) } },
  body: devicesBody,
  bodySerializer: () => devicesText,
});
out.replayed = { status: again.response.status, error: again.error };

console.log(JSON.stringify(out));
`;

async function generate(): Promise<void> {
  const types = astToString(await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0]));
  writeFileSync(join(dir, "schema.ts"), types);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  writeFileSync(join(dir, "program.ts"), PROGRAM);
}

async function typecheck(): Promise<{ ok: boolean; output: string }> {
  try {
    await run(bin("tsc"), ["-p", join(dir, "tsconfig.json")], { cwd: dir });
    return { ok: true, output: "" };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

/** The examples of one error response component, by key. */
function errorExample(component: string, key: string): unknown {
  const responses = (doc.components as Json).responses as Record<string, Json>;
  const media = ((responses[component]?.content ?? {}) as Record<string, Json>)["application/json"];
  return ((media?.examples ?? {}) as Record<string, { value: unknown }>)[key]?.value;
}

describe("a TypeScript client generated from GET /openapi.json", () => {
  it("typechecks a program against the generated types, which refuse a wrong body", async () => {
    await generate();
    const checked = await typecheck();
    expect(checked.output).toBe("");
    expect(checked.ok).toBe(true);
    // The signature headers are per-call parameters of the standard operations, not a fixed key.
    expect(readFileSync(join(dir, "schema.ts"), "utf8")).toMatch(
      /"webhook-signature"\?: components\["parameters"\]\["WebhookSignature"\]/,
    );
  }, 120_000);

  it("calls the hub: an admin GET, a registration, a login and a signed standard call", async () => {
    const servers = doc.servers as { url: string }[];
    const { stdout } = await run(bin("tsx"), [join(dir, "program.ts")], {
      cwd: dir,
      env: {
        ...process.env,
        SERVER_URL: servers[0]?.url ?? "",
        ADMIN_TOKEN: hub.adminToken,
        VERIFY_URL: verifyUrl,
      },
    });
    const out = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Json;
    expect(out.listBefore).toEqual({ status: 200, ids: [] });
    expect(out.created).toEqual({
      status: 201,
      platId: "APP-PLAT-0001",
      security: { mode: "hmac", certFingerprints: [] },
    });
    expect(out.login).toMatchObject({ status: 200, retCode: "200" });
    expect((out.login as Json).userId).not.toBe("");
    expect(out.devices).toMatchObject({ status: 200, data: { RetCode: "200" } });
    expect(out.replayed).toEqual({ status: 401, error: errorExample("Unauthorized", "replayed") });
  }, 120_000);
});

describe("error examples are the hub's own answers", () => {
  const secretOf = async () => {
    const res = await fetch(`${hub.url}/admin/v1/platforms/APP-PLAT-0001/secret`, {
      method: "POST",
      headers: { authorization: `Bearer ${hub.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ graceSeconds: 0 }),
    });
    return ((await res.json()) as { appSecret: string }).appSecret;
  };
  const signedCall = (secret: string, path: string, body: string) => {
    const id = `msg_${Math.random().toString(36).slice(2)}`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
    const mac = createHmac("sha256", key).update(`${id}.${timestamp}.POST ${path}\n${body}`).digest("base64");
    return fetch(`${hub.url}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        PlatID: "APP-PLAT-0001",
        "webhook-id": id,
        "webhook-timestamp": timestamp,
        "webhook-signature": `v1,${mac}`,
      },
      body,
    });
  };
  const adminCall = (method: string, path: string, body?: unknown, token = hub.adminToken) =>
    fetch(`${hub.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const answer = async (res: Promise<Response>) => {
    const r = await res;
    return { status: r.status, body: (await r.json()) as unknown };
  };

  it("400, 401, 403, 404, 409, 413 and 429 as documented", async () => {
    const secret = await secretOf();
    expect(await answer(signedCall(secret, "/v1/user/bindDevices", "{}"))).toEqual({
      status: 400,
      body: errorExample("Invalid", "missingFields"),
    });
    expect(await answer(signedCall(`whsec_${"A".repeat(44)}`, "/v1/users/devices", "{}"))).toEqual({
      status: 401,
      body: errorExample("Unauthorized", "badSignature"),
    });
    expect(await answer(adminCall("GET", "/admin/v1/platforms"))).toMatchObject({ status: 200 });
    expect(await answer(fetch(`${hub.url}/admin/v1/platforms`))).toEqual({
      status: 401,
      body: errorExample("Unauthorized", "adminToken"),
    });
    const key = (await (
      await adminCall("POST", "/admin/v1/operator-keys", { name: "grafana", scope: "read" })
    ).json()) as {
      secret: string;
    };
    expect(
      await answer(adminCall("PATCH", "/admin/v1/platforms/APP-PLAT-0001", { name: "x" }, key.secret)),
    ).toEqual({
      status: 403,
      body: errorExample("Forbidden", "readKey"),
    });
    expect(await answer(adminCall("GET", "/admin/v1/platforms/NOPE-0000"))).toEqual({
      status: 404,
      body: errorExample("NotFound", "platform"),
    });
    expect(await answer(adminCall("GET", "/admin/v1/deliveries/msg_unknown"))).toEqual({
      status: 404,
      body: errorExample("NotFound", "delivery"),
    });
    expect(
      await answer(adminCall("POST", "/admin/v1/platforms", { platId: "APP-PLAT-0001", name: "again" })),
    ).toEqual({
      status: 409,
      body: errorExample("Conflict", "platformExists"),
    });
    expect(
      await answer(
        adminCall("POST", "/admin/v1/platforms", { platId: "X".repeat(10), name: "x".repeat(1_100_000) }),
      ),
    ).toEqual({
      status: 413,
      body: errorExample("TooLarge", "tooLarge"),
    });
    let limited: { status: number; body: unknown } | undefined;
    for (let i = 0; i < 80 && !limited; i++) {
      const res = await answer(signedCall(secret, "/v1/users/devices", "{}"));
      if (res.status === 429) limited = res;
    }
    expect(limited).toEqual({ status: 429, body: errorExample("RateLimited", "platformRate") });
  }, 60_000);
});
