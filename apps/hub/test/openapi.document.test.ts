import { readFileSync } from "node:fs";
/**
 * The OpenAPI document: valid 3.1, complete (every route of the app is in it), self-contained
 * (every $ref resolves), and truthful (its examples pass the hub's own schemas; the admin answer
 * shapes match real answers).
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { isApiName, parseRequest, parseResponse } from "@yunlian/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditPage, DeliveryPage, PlatformCreated, PlatformList } from "../src/openapi/admin-schemas.ts";
import { allOperations, buildOpenApiDocument } from "../src/openapi/document.ts";
import { adminClient } from "./support/client.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";

type Json = Record<string, unknown>;

/** Routes that are pages, not API: the reference itself, the console and `/` (which leads to it). */
const NOT_API = [/^\/docs(\/|$)/, /^\/console(\/|$)/, /^\/openapi\.json$/, /^\/$/];

let hub: TestHub;
let doc: Json;

beforeAll(async () => {
  hub = await startTestHub("pglite");
  const res = await fetch(`${hub.url}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  doc = (await res.json()) as Json;
});
afterAll(async () => {
  await hub?.close();
});

function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof node !== "object" || node === null || !(key in node)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const v of node) collectRefs(v, out);
  else if (typeof node === "object" && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else collectRefs(v, out);
    }
  }
  return out;
}

function examplesOf(op: Json, where: "request" | "response"): { name: string; value: unknown }[] {
  const media =
    where === "request"
      ? ((op.requestBody as Json | undefined)?.content as Json | undefined)?.["application/json"]
      : (
          (
            Object.entries((op.responses as Json) ?? {}).find(([s]) => s.startsWith("2"))?.[1] as
              | Json
              | undefined
          )?.content as Json | undefined
        )?.["application/json"];
  const examples = ((media as Json | undefined)?.examples ?? {}) as Record<string, { value: unknown }>;
  return Object.entries(examples).map(([name, e]) => ({ name, value: e.value }));
}

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("names the repository's licence (MIT, as LICENSE says)", () => {
    const licence = readFileSync(new URL("../../../LICENSE", import.meta.url), "utf8").split("\n")[0] ?? "";
    expect(licence).toMatch(/^MIT License/);
    expect((doc.info as Json).license).toEqual({ name: "MIT", identifier: "MIT" });
  });

  it("documents every route the app serves", () => {
    const paths = doc.paths as Record<string, Json>;
    const missing: string[] = [];
    for (const route of hub.hub.routes()) {
      if (route.method === "ALL" || route.path.includes("*") || NOT_API.some((re) => re.test(route.path)))
        continue;
      const template = route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      if (!paths[template]?.[route.method.toLowerCase()]) missing.push(`${route.method} ${template}`);
    }
    expect(missing).toEqual([]);
  });

  it("has every interface of the standard, with the common headers and the RetCode table", () => {
    const paths = doc.paths as Record<string, Json>;
    for (const api of [
      "user/login",
      "user/verify",
      "devices/op",
      "dataservices/dataGateway",
      "user/unbindDevices",
    ])
      expect(paths[`/v1/${api}`]?.post, api).toBeDefined();
    const components = doc.components as Json;
    expect(Object.keys(components.parameters as Json)).toEqual([
      "PlatID",
      "AppID",
      "Idempotency-Key",
      "AccessToken",
      "WebhookId",
      "WebhookTimestamp",
      "WebhookSignature",
    ]);
    const retCode = (components.schemas as Json).RetCode as { oneOf: { const: string }[] };
    expect(retCode.oneOf.map((c) => c.const)).toEqual(
      expect.arrayContaining(["200", "400", "401", "500", "504"]),
    );
    const schemes = components.securitySchemes as Json;
    expect(schemes.operatorToken).toMatchObject({ type: "http", scheme: "bearer" });
    // The per-request signature is no static key (issue 18): no apiKey scheme for webhook-*.
    for (const scheme of Object.values(schemes) as Json[])
      expect(String(scheme.name ?? "")).not.toMatch(/^webhook-/);
    expect(schemes.requestSignature).toMatchObject({ type: "http", scheme: "signature" });
    expect(schemes.mutualTLS).toMatchObject({ type: "mutualTLS" });
    expect((doc.webhooks as Json).statusReport).toBeDefined();
  });

  it("documents command tracking: Idempotency-Key, OpID, GET /v1/ops/{opId}, the opResult webhook (docs/design.md §7)", () => {
    const paths = doc.paths as Record<string, Json>;
    const refs = (op: Json | undefined) => JSON.stringify((op?.parameters as unknown[]) ?? []);
    for (const api of ["devices/op", "user/bindDevices", "user/unbindDevices"])
      expect(refs(paths[`/v1/${api}`]?.post as Json), api).toContain("Idempotency-Key");
    expect(refs(paths["/v1/devices/deviceStatus"]?.post as Json)).not.toContain("Idempotency-Key");
    const get = paths["/v1/ops/{opId}"]?.get as Json | undefined;
    expect(get?.operationId).toBe("ops_get");
    const schemas = (doc.components as Json).schemas as Json;
    expect(JSON.stringify(schemas.OpStatusResponse)).toContain("timeout");
    expect(JSON.stringify(schemas.DevicesOpResponse)).toContain("OpID");
    expect(JSON.stringify((doc.webhooks as Json).opResult)).toContain("OpResultReport");
    expect(JSON.stringify(schemas.PlatformView ?? schemas)).toContain("opResult");
  });

  it("describes both secrets and the signing content of each direction (docs/design.md §7)", () => {
    const components = doc.components as Json;
    const schemas = components.schemas as Record<string, { properties?: Record<string, Json> }>;
    for (const name of ["PlatformCreated", "SecretRotated"]) {
      const props = schemas[name]?.properties ?? {};
      // appSecret: the platform's requests to the hub, over id.timestamp.METHOD path\nbody.
      expect(String(props.appSecret?.description), name).toContain(
        "`webhook-id.webhook-timestamp.METHOD path\\nbody`",
      );
      // webhookSecret: what the hub sends the platform, plain Standard Webhooks over id.timestamp.body.
      expect(String(props.webhookSecret?.description), name).toContain("`webhook-id.webhook-timestamp.body`");
    }
    const signature = String((components.parameters as Record<string, Json>).WebhookSignature?.description);
    expect(signature).toContain(
      '`webhook-id + "." + webhook-timestamp + "." + METHOD + " " + path + "\\n" + body`',
    );
    expect(signature).toContain('sign(id, timestamp, METHOD + " " + path + "\\n" + body)');
    expect(signature).toContain("webhookSecret");
    const delivery = JSON.stringify((doc.webhooks as Json).statusReport);
    expect(delivery).toContain("webhookSecret");
    expect(delivery).toContain("webhook-id.webhook-timestamp.body");
    // The self-service rotation says the previous appSecret never works there.
    const selfRotate = (doc.paths as Record<string, Record<string, Json>>)["/admin/v1/self/secret"]?.post;
    expect(JSON.stringify(selfRotate)).toMatch(
      /previous appSecret still verifies on the standard API \(not here\)/,
    );
  });

  it("resolves every $ref inside the document", () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter((r) => resolvePointer(doc, r) === undefined)).toEqual([]);
  });

  it("describes requests with the input side of the lenient schemas", () => {
    const schemas = (doc.components as Json).schemas as Record<string, Json>;
    const bind = JSON.stringify(schemas.UserBindDevicesRequest);
    // UserID may be sent as a number (the standard's own example does): the input side says so.
    expect(bind).toContain('"type":"integer"');
    expect(schemas.UserLoginRequest?.required).toEqual(["User", "AuthToken"]);
  });
});

describe("examples", () => {
  const ops = () => Object.entries(doc.paths as Record<string, Record<string, Json>>);

  it("every standard request example passes the hub's own request schema", () => {
    let checked = 0;
    for (const [path, item] of ops()) {
      const api = path.replace(/^\/v1\//, "");
      if (!path.startsWith("/v1/") || !isApiName(api) || !item.post) continue;
      for (const { name, value } of examplesOf(item.post, "request")) {
        const parsed = parseRequest(api, JSON.stringify(value), {});
        expect(parsed, `${api} ${name}`).toMatchObject({ ok: true });
        // Canonical form: what the hub reads is what the document shows.
        if (parsed.ok) expect(parsed.body, `${api} ${name}`).toEqual(value);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it("takes the standard's printed examples where they are JSON", () => {
    const login = (doc.paths as Record<string, Record<string, Json>>)["/v1/user/login"]?.post as Json;
    const [first] = examplesOf(login, "request");
    expect(first?.name).toBe("standard");
    expect(first?.value).toMatchObject({ AuthToken: "sssdsdfsadfadsfsdfasdfasdf123fa" });
    const gateway = (doc.paths as Record<string, Record<string, Json>>)["/v1/dataservices/dataGateway"]
      ?.post as Json;
    expect(examplesOf(gateway, "request").map((e) => e.name)).toEqual([
      "standard-alarm",
      "standard-attr",
      "standard-offline",
      "standard-online",
    ]);
  });

  it("every standard response example passes the protocol's response schema", () => {
    let checked = 0;
    for (const [path, item] of ops()) {
      const api = path.replace(/^\/v1\//, "");
      if (!isApiName(api) || !item.post) continue;
      for (const { name, value } of examplesOf(item.post, "response")) {
        expect(parseResponse(api, JSON.stringify(value)), `${api} ${name}`).toMatchObject({ ok: true });
        checked++;
      }
    }
    expect(checked).toBe(12);
  });

  it("every admin and self-service request example passes the route's schema", () => {
    let checked = 0;
    for (const op of allOperations()) {
      if (op.path.startsWith("/v1/") || !op.body) continue;
      for (const [name, example] of Object.entries(op.body.examples ?? {})) {
        const parsed = op.body.schema.safeParse(example.value);
        expect(parsed.success, `${op.operationId} ${name}: ${parsed.error?.message}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });
});

describe("a usable client (issue 18)", () => {
  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );

  it("every standard and self-service operation takes the signature headers as per-request parameters, and none allows no authentication", () => {
    for (const { name, op } of operations()) {
      const security = (op.security ?? []) as Json[];
      expect(
        security.filter((alt) => Object.keys(alt).length === 0),
        name,
      ).toEqual([]);
      const refs = ((op.parameters ?? []) as Json[]).map((p) => p.$ref);
      const signs = security.some((alt) => "requestSignature" in alt);
      if (signs)
        expect(refs, name).toEqual(
          expect.arrayContaining([
            "#/components/parameters/WebhookId",
            "#/components/parameters/WebhookTimestamp",
            "#/components/parameters/WebhookSignature",
          ]),
        );
      if (name.startsWith("POST /v1/")) expect(signs, name).toBe(true);
    }
  });

  it("names this hub as its server: HUB_PUBLIC_URL when set, else the origin it was asked from", () => {
    expect(doc.servers).toEqual([{ url: hub.url, description: "The hub that served this document" }]);
    const configured = buildOpenApiDocument({ version: "1", serverUrl: "https://hub.example/yl" });
    expect(configured.servers).toEqual([
      { url: "https://hub.example/yl", description: "This hub (HUB_PUBLIC_URL)" },
    ]);
  });

  it("has an example for every request body and every JSON answer", () => {
    const missing: string[] = [];
    for (const { name, op } of operations()) {
      const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
      if (body && !Object.keys(body["application/json"]?.examples ?? {}).length)
        missing.push(`${name} request`);
      for (const [status, answer] of Object.entries(op.responses as Record<string, Json>)) {
        const content = answer.content as Record<string, Json> | undefined;
        const json = content?.["application/json"];
        if (json && !Object.keys((json.examples ?? {}) as Json).length) missing.push(`${name} ${status}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("every admin answer example passes the answer's own schema", () => {
    let checked = 0;
    for (const op of allOperations()) {
      if (op.path.startsWith("/v1/")) continue;
      for (const [status, answer] of Object.entries(op.responses)) {
        if ("error" in answer || !answer.body) continue;
        for (const [name, example] of Object.entries(answer.body.examples ?? {})) {
          const parsed = answer.body.schema.safeParse(example.value);
          expect(parsed.success, `${op.operationId} ${status} ${name}: ${parsed.error?.message}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it("error answers carry the hub's own RetInfo texts, not a placeholder", () => {
    const responses = (doc.components as Json).responses as Record<string, Json>;
    for (const [name, response] of Object.entries(responses)) {
      const examples = ((response.content as Record<string, Json>)["application/json"]?.examples ??
        {}) as Record<string, { value: { RetInfo: string } }>;
      expect(Object.keys(examples).length, name).toBeGreaterThan(0);
      for (const e of Object.values(examples)) expect(e.value.RetInfo, name).not.toMatch(/what was wrong/);
    }
  });
});

describe("admin answer shapes", () => {
  it("match what the admin API really answers", async () => {
    const admin = adminClient(hub.url, hub.adminToken);
    const created = await admin.post("/admin/v1/platforms", {
      platId: "DOC-APP-0001",
      name: "Doc app",
      dataGatewayUrl: "http://127.0.0.1:9/v1/dataservices/dataGateway",
    });
    expect(created.status).toBe(201);
    expect(PlatformCreated.safeParse(created.body).error).toBeUndefined();
    expect(PlatformList.safeParse((await admin.get("/admin/v1/platforms")).body).error).toBeUndefined();
    expect(DeliveryPage.safeParse((await admin.get("/admin/v1/deliveries")).body).error).toBeUndefined();
    expect(AuditPage.safeParse((await admin.get("/admin/v1/audit")).body).error).toBeUndefined();
  });
});

describe("GET /docs", () => {
  it("serves the reference UI from the hub itself, no CDN", async () => {
    const res = await fetch(`${hub.url}/docs`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(urls.length).toBeGreaterThan(2);
    expect(urls.filter((u) => !u.startsWith("/"))).toEqual([]);
    for (const u of urls) expect((await fetch(`${hub.url}${u}`)).status, u).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
  });

  it("serves only the listed assets", async () => {
    expect((await fetch(`${hub.url}/docs/assets/package.json`)).status).toBe(404);
    expect((await fetch(`${hub.url}/docs/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  // Issue 14, part 6: names of Object.prototype's members were looked up in a plain object (500).
  it.each(["constructor", "__proto__", "toString", "hasOwnProperty", "__defineGetter__"])(
    "GET /docs/assets/%s is a 404, not a 500",
    async (name) => {
      const res = await fetch(`${hub.url}/docs/assets/${name}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ RetCode: "404" });
    },
  );
});
