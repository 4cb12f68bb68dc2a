import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The interactive reference is Swagger UI from the swagger-ui-dist package, served by the hub
 * itself: no CDN, because the hub may run where nothing outside is reachable.
 */
const ASSETS = new Map<string, string>([
  ["swagger-ui.css", "text/css; charset=utf-8"],
  ["swagger-ui-bundle.js", "text/javascript; charset=utf-8"],
  ["favicon-32x32.png", "image/png"],
]);

const distDir = (): string => dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const cache = new Map<string, Uint8Array<ArrayBuffer>>();

/**
 * One file of the bundle, or undefined for anything not on the list (no path from the URL
 * reaches the disk). The list is a Map: `constructor` or `__proto__` in the URL must not find
 * Object.prototype's members (that was a 500 with a stack and a filesystem path, issue 14).
 */
export function referenceAsset(name: string): { body: Uint8Array<ArrayBuffer>; type: string } | undefined {
  const type = ASSETS.get(name);
  if (!type) return undefined;
  let body = cache.get(name);
  if (!body) {
    body = new Uint8Array(readFileSync(join(distDir(), name)));
    cache.set(name, body);
  }
  return { body, type };
}

/** Started from a file rather than an inline script, so the page runs under a strict CSP. */
export const INIT_SCRIPT = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#reference",
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    tryItOutEnabled: false,
    persistAuthorization: false
  });
});
`;

export const REFERENCE_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Yunlian hub · API reference</title>
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <style>body{margin:0} .topbar{display:none}</style>
</head>
<body>
  <noscript>
    <p>The interactive reference needs JavaScript. The document itself is at <a href="/openapi.json">/openapi.json</a>.</p>
  </noscript>
  <div id="reference"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>
`;
