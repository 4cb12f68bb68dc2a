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

/** GET /openapi.json (built once, on first use) and the interactive reference at GET /docs. */
export function registerApiReference(app: Hono<HubEnv>, publicUrl: string | undefined) {
  let document: string | undefined;
  app.get("/openapi.json", (c) => {
    document ??= JSON.stringify(buildOpenApiDocument({ version: hubVersion(), serverUrl: publicUrl }));
    c.header("Cache-Control", "no-cache");
    return c.body(document, 200, { "Content-Type": "application/json; charset=utf-8" });
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
