import { readFileSync } from "node:fs";
import { Hono } from "hono";
import { csrf } from "hono/csrf";
import type { HubEnv } from "../lib/hono-env.ts";
import { type ConsoleDeps, type ConsoleEnv, field } from "./console-env.ts";
import { registerAuditPage } from "./pages/audit.tsx";
import { registerCertificationPages } from "./pages/certification.tsx";
import { registerDeliveryPages } from "./pages/deliveries.tsx";
import { registerDevicePage } from "./pages/devices.tsx";
import { registerDriftPage } from "./pages/drift.tsx";
import { registerGrantPages } from "./pages/grants.tsx";
import { LoginPage } from "./pages/login.tsx";
import { registerOperatorKeyPages } from "./pages/operator-keys.tsx";
import { registerPartnerPages } from "./pages/partner.tsx";
import { registerOnboardingPages } from "./pages/platform-onboarding.tsx";
import { registerPlatformPages } from "./pages/platforms.tsx";
import { currentSession, endSession, startSession, validCsrf } from "./session.ts";

const CSS = readFileSync(new URL("./console.css", import.meta.url), "utf8");

/** No script at all: the console is plain server-rendered HTML and forms. */
const CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The operator's web console at /console: sign in with the admin token or an operator key, then
 * platforms, deliveries, devices, operator keys and the audit log. Server-rendered (hono/jsx); it
 * reads and changes through the same services as the admin API, which validate and audit every
 * change. Sessions are server-side (session.ts).
 */
export type { ConsoleDeps };

export function registerConsole(app: Hono<HubEnv>, deps: ConsoleDeps) {
  const ui = new Hono<ConsoleEnv>();

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

  const sessions = { ...deps.audit, operators: deps.operators };

  ui.get("/login", async (c) => {
    if (await currentSession(c, sessions, deps.now())) return c.redirect("/console/platforms", 303);
    return c.html(<LoginPage />);
  });

  ui.post("/login", async (c) => {
    const incoming = c.env.incoming;
    const failure = { surface: "console", action: "console.login", method: "POST", path: c.req.path };
    const ip = incoming?.socket?.remoteAddress;
    // Throttled first: while an address is over its budget of failures, no token is even tried.
    const wait = deps.loginThrottle.refusal(incoming);
    if (wait > 0) {
      await deps.authFailures.record({ ...failure, ip, reason: "login throttled" });
      c.header("Retry-After", String(Math.ceil(wait / 1000)));
      return c.html(<LoginPage error={throttledText(wait)} />, 429);
    }
    const token = field(await c.req.parseBody(), "token");
    const operator = token === "" ? undefined : await deps.operators.identify(token);
    if (!operator) {
      await deps.authFailures.record({ ...failure, ip, reason: "wrong admin token or operator key" });
      await deps.loginThrottle.charge(incoming);
      return c.html(<LoginPage error="That is not the admin token or an operator key." />, 401);
    }
    await startSession(c, sessions, operator, deps.now());
    return c.redirect("/console/platforms", 303);
  });

  // The partner's own view: its own sign-in and session (partner-session.ts), never an operator's.
  registerPartnerPages(ui, deps);

  // Everything below needs a session; every POST also the session's CSRF token, and the
  // session's operator the admin scope (a `read` key signs in to a read-only console).
  ui.use("*", async (c, next) => {
    const session = await currentSession(c, sessions, deps.now());
    if (!session) {
      if (c.req.method === "GET") return c.redirect("/console/login", 303);
      return c.text("Your console session has ended: sign in again.", 401);
    }
    c.set("csrf", session.csrf);
    c.set("consoleOperator", session.operator);
    if (c.req.method === "POST") {
      const form = await c.req.parseBody();
      if (!validCsrf(session, form._csrf)) return c.text("Invalid or missing CSRF token.", 403);
      if (session.operator.scope !== "admin" && c.req.path !== "/console/logout") {
        return c.text(`Signed in with the read-only operator key ${session.operator.name}: no changes.`, 403);
      }
    }
    await next();
  });

  ui.get("/", (c) => c.redirect("/console/platforms", 303));
  ui.post("/logout", async (c) => {
    await endSession(c, sessions);
    return c.redirect("/console/login", 303);
  });

  registerPlatformPages(ui, deps);
  registerOnboardingPages(ui, deps);
  registerCertificationPages(ui, deps);
  registerDeliveryPages(ui, deps);
  registerDevicePage(ui, deps);
  registerDriftPage(ui, deps);
  registerGrantPages(ui, deps);
  registerAuditPage(ui, deps);
  registerOperatorKeyPages(ui, deps);

  app.route("/console", ui);
}

function throttledText(waitMs: number): string {
  const seconds = Math.ceil(waitMs / 1000);
  return `Too many failed sign-ins from your address: try again in ${seconds} second${seconds === 1 ? "" : "s"}.`;
}
