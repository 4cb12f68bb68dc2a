import { readFileSync } from "node:fs";
import type { Hono } from "hono";
import type { HubEnv } from "../lib/hono-env.ts";
import { buildOpenApiDocument } from "./document.ts";
import { INIT_SCRIPT, REFERENCE_PAGE, referenceAsset } from "./reference-ui.ts";

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

function hubVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return typeof pkg === "object" && pkg && "version" in pkg ? String(pkg.version) : "0.0.0";
}

/**
 * GET /openapi.json (built once, on first use) and the interactive reference at GET /docs. Its
 * `servers` is HUB_PUBLIC_URL; without one, the origin the document was asked from, so a client
 * generated from it calls this hub.
 */
export function registerApiReference(app: Hono<HubEnv>, publicUrl: string | undefined) {
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  app.get("/openapi.json", (c) => {
    document ??= buildOpenApiDocument({ version: hubVersion(), serverUrl: publicUrl });
    const servers = publicUrl
      ? document.servers
      : [{ url: new URL(c.req.url).origin, description: "The hub that served this document" }];
    c.header("Cache-Control", "no-cache");
    return c.body(JSON.stringify({ ...document, servers }), 200, {
      "Content-Type": "application/json; charset=utf-8",
    });
  });

  app.get("/docs", (c) => {
    c.header("Content-Security-Policy", CSP);
    return c.html(REFERENCE_PAGE);
  });

  app.get("/docs/assets/:name", (c) => {
    const name = c.req.param("name");
    if (name === "init.js")
      return c.body(INIT_SCRIPT, 200, { "Content-Type": "text/javascript; charset=utf-8" });
    const asset = referenceAsset(name);
    if (!asset) return c.notFound();
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(asset.body, 200, { "Content-Type": asset.type });
  });
}
