import { readFileSync } from "node:fs";
import { timingSafeEqualStr } from "@yunlian/secrets";
import { Hono } from "hono";
import { csrf } from "hono/csrf";
import type { HubEnv } from "../lib/hono-env.ts";
import { audit } from "../services/audit/audit.ts";
import { type ConsoleDeps, type ConsoleEnv, field } from "./console-env.ts";
import { registerAuditPage } from "./pages/audit.tsx";
import { registerDeliveryPages } from "./pages/deliveries.tsx";
import { registerDevicePage } from "./pages/devices.tsx";
import { LoginPage } from "./pages/login.tsx";
import { registerPlatformPages } from "./pages/platforms.tsx";
import { csrfToken, currentSession, endSession, startSession, validCsrf } from "./session.ts";

const CSS = readFileSync(new URL("./console.css", import.meta.url), "utf8");

/** No script at all: the console is plain server-rendered HTML and forms. */
const CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The operator's web console at /console: sign in with the admin token, then platforms,
 * deliveries, devices and the audit log. Server-rendered (hono/jsx); it reads and changes through
 * the same services as the admin API, which validate and audit every change.
 */
export type { ConsoleDeps };

export function registerConsole(app: Hono<HubEnv>, deps: ConsoleDeps) {
  const ui = new Hono<ConsoleEnv>();
  const { adminToken } = deps;

  ui.use("*", async (c, next) => {
    await next();
    c.header("Content-Security-Policy", CSP);
    c.header("X-Frame-Options", "DENY");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
    if (!c.req.path.startsWith("/console/assets/")) c.header("Cache-Control", "no-store");
  });
  // Refuses cross-origin form posts by their Origin header (login included, against login CSRF).
  ui.use("*", csrf());

  ui.get("/assets/console.css", (c) =>
    c.body(CSS, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=3600" }),
  );

  ui.get("/login", (c) => {
    if (currentSession(c, adminToken, deps.now())) return c.redirect("/console/platforms", 303);
    return c.html(<LoginPage />);
  });

  ui.post("/login", async (c) => {
    const token = field(await c.req.parseBody(), "token");
    const ok = token !== "" && timingSafeEqualStr(token, adminToken);
    await audit(deps.audit, {
      actor: ok ? "operator" : "anonymous",
      action: "console.login",
      outcome: ok ? "ok" : "denied",
      detail: ok ? {} : { reason: "wrong admin token", ip: c.env?.incoming?.socket?.remoteAddress },
    });
    if (!ok) return c.html(<LoginPage error="That is not the admin token." />, 401);
    startSession(c, adminToken, deps.now());
    return c.redirect("/console/platforms", 303);
  });

  // Everything below needs a session; every POST also the session's CSRF token.
  ui.use("*", async (c, next) => {
    const session = currentSession(c, adminToken, deps.now());
    if (!session) {
      if (c.req.method === "GET") return c.redirect("/console/login", 303);
      return c.text("Your console session has ended: sign in again.", 401);
    }
    c.set("csrf", csrfToken(adminToken, session));
    if (c.req.method === "POST") {
      const form = await c.req.parseBody();
      if (!validCsrf(adminToken, session, form._csrf)) return c.text("Invalid or missing CSRF token.", 403);
    }
    await next();
  });

  ui.get("/", (c) => c.redirect("/console/platforms", 303));
  ui.post("/logout", (c) => {
    endSession(c);
    return c.redirect("/console/login", 303);
  });

  registerPlatformPages(ui, deps);
  registerDeliveryPages(ui, deps);
  registerDevicePage(ui, deps);
  registerAuditPage(ui, deps);

  app.route("/console", ui);
}
