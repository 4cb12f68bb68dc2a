import { timingSafeEqualStr } from "@yunlian/secrets";
import type { Context, Hono } from "hono";
import type { Child } from "hono/jsx";
import { platformView } from "../../services/platforms/platform-view.ts";
import { type ConsoleDeps, type ConsoleEnv, field } from "../console-env.ts";
import { Badge, Layout, when } from "../layout.tsx";
import {
  currentPartnerSession,
  endPartnerSession,
  partnerByCredential,
  startPartnerSession,
} from "../partner-session.ts";
import { verifySnippets } from "./partner-snippets.ts";

const HOME = "/console/partner";
const LOGIN = "/console/partner/login";
const LOGOUT = "/console/partner/logout";

function PartnerLoginPage(props: { error?: string }) {
  return (
    <Layout title="Partner sign-in" flash={props.error ? { kind: "error", text: props.error } : undefined}>
      <div class="panel login">
        <p class="muted">
          Your own platform's view: its registration, keys, certification and how to check what the hub sends
          you. Operators sign in at <a href="/console/login">/console/login</a>.
        </p>
        <form method="post" action={LOGIN} class="stack">
          <label>
            PlatID
            <input type="text" name="platId" autocomplete="username" required autofocus />
          </label>
          <label>
            appSecret
            <span class="hint">the current one (whsec_…), as your cloud signs its requests with</span>
            <input type="password" name="appSecret" autocomplete="current-password" required />
          </label>
          <button type="submit">Sign in</button>
        </form>
      </div>
    </Layout>
  );
}

function Row(props: { label: string; id?: string; children: Child }) {
  return (
    <tr>
      <th>{props.label}</th>
      <td id={props.id}>{props.children}</td>
    </tr>
  );
}

/**
 * The partner's own pages (issue 18), before the operator's session check in register-console:
 * sign in with the PlatID and the current appSecret, see only that platform. Failed sign-ins are
 * audited and throttled by client address like the operator's (HUB_CONSOLE_LOGIN_LIMIT).
 */
export function registerPartnerPages(ui: Hono<ConsoleEnv>, deps: ConsoleDeps) {
  const ctx = deps.platforms;
  const db = deps.audit.db;
  const session = (c: Context<ConsoleEnv>) => currentPartnerSession(c, db, ctx.registry, deps.now());

  ui.get("/partner/login", async (c) => {
    if (await session(c)) return c.redirect(HOME, 303);
    return c.html(<PartnerLoginPage />);
  });

  ui.post("/partner/login", async (c) => {
    const incoming = c.env.incoming;
    const ip = incoming?.socket?.remoteAddress;
    const failure = { surface: "console", action: "console.partner.login", method: "POST", path: c.req.path };
    const wait = deps.loginThrottle.refusal(incoming);
    if (wait > 0) {
      await deps.authFailures.record({ ...failure, ip, reason: "login throttled" });
      c.header("Retry-After", String(Math.ceil(wait / 1000)));
      return c.html(
        <PartnerLoginPage error="Too many failed sign-ins from your address: try again later." />,
        429,
      );
    }
    const form = await c.req.parseBody();
    const platId = field(form, "platId");
    const platform = partnerByCredential(ctx.registry, platId, field(form, "appSecret"));
    if (!platform) {
      await deps.authFailures.record({
        ...failure,
        ip,
        claimedPlatId: platId,
        reason: "wrong PlatID or appSecret",
      });
      await deps.loginThrottle.charge(incoming);
      return c.html(<PartnerLoginPage error="That is not a PlatID with its current appSecret." />, 401);
    }
    await startPartnerSession(c, deps.audit, platform, deps.now());
    return c.redirect(HOME, 303);
  });

  ui.post("/partner/logout", async (c) => {
    const s = await session(c);
    const given = (await c.req.parseBody())._csrf;
    if (s && !(typeof given === "string" && timingSafeEqualStr(given, s.csrf))) {
      return c.text("Invalid or missing CSRF token.", 403);
    }
    await endPartnerSession(c, db);
    return c.redirect(LOGIN, 303);
  });

  ui.get("/partner", async (c) => {
    const s = await session(c);
    const record = s && ctx.registry.get(s.platId);
    if (!s || !record) return c.redirect(LOGIN, 303);
    const p = platformView(record, ctx.publicUrl);
    const certifiedAt = await ctx.certification.certifiedAt(p.platId);
    return c.html(
      <Layout title={`${p.name} (${p.platId})`} csrf={s.csrf} logoutAction={LOGOUT}>
        {p.sandbox && (
          <p class="flash warning" id="partner-sandbox" role="note">
            <Badge value="sandbox" /> Your platform is in the sandbox: it reaches only sandbox platforms, what
            the hub sends you carries the header Yunlian-Sandbox: 1, and its rate limit is lower. The operator
            promotes it to production once it is certified; you then get new secrets.
          </p>
        )}
        <div class="row">
          <div class="panel">
            <h2>Registration</h2>
            <table class="kv">
              <Row label="PlatID">{p.platId}</Row>
              <Row label="Namespace" id="partner-namespace">
                {p.sandbox
                  ? "sandbox"
                  : `production${p.promotedAt ? ` (promoted ${when(p.promotedAt)})` : ""}`}
              </Row>
              <Row label="AppID (send it in the AppID header)" id="partner-app-id">
                {p.appId}
              </Row>
              <Row label="Manufacturer codes">{p.manufacturerCodes.join(", ") || "— (app platform)"}</Row>
              <Row label="Security mode">{p.security.mode}</Row>
              <Row label="verifyUrl">{p.verifyUrl ?? "—"}</Row>
              <Row label="dataGatewayUrl">{p.dataGatewayUrl ?? "—"}</Row>
              {p.ingestUrl && (
                <Row label="ingestUrl (your cloud's reports, no headers needed)" id="partner-ingest-url">
                  {p.ingestUrl}
                </Row>
              )}
            </table>
            <h2>Certification</h2>
            <p id="partner-certification">
              {certifiedAt
                ? `Certified at ${when(certifiedAt)}.`
                : "Not certified: no certification run of your cloud has passed every required clause yet."}
            </p>
            <h2>Keys</h2>
            <p>
              Your <strong>appSecret</strong> is the one you signed in with: your cloud signs its requests to
              the hub with it. The hub never shows it again; rotate it with{" "}
              <code>POST /admin/v1/self/secret</code> (signed, body <code>{"{}"}</code>): the answer holds new
              secrets only you have seen, and this session ends.
            </p>
            <details id="partner-webhook-secret">
              <summary>
                Show the webhookSecret (what the hub signs your deliveries and verify calls with)
              </summary>
              <code id="webhook-secret">{record.webhookSecret.current}</code>
            </details>
            <p class="muted">
              Your deliveries, with every attempt: <code>GET /admin/v1/self/deliveries</code>. All operations:{" "}
              <a href="/docs">API reference</a>.
            </p>
          </div>
          <div class="panel" id="partner-verify">
            <h2>Verifying a delivery</h2>
            <p>
              Deliveries to your dataGatewayUrl and verify calls to your verifyUrl are plain Standard Webhooks
              signed with your webhookSecret: check the timestamp (±5 minutes), the signature over{" "}
              <code>webhook-id.webhook-timestamp.body</code>, and drop a <code>webhook-id</code> you have
              already processed (a retry keeps its id). Answer HTTP 200 with{" "}
              <code>{'{"RetCode":"200","RetInfo":"ok"}'}</code>. Each sample reads SECRET (your
              webhookSecret), WEBHOOK_ID, WEBHOOK_TIMESTAMP, WEBHOOK_SIGNATURE and BODY.
            </p>
            {verifySnippets.map((s) => (
              <section>
                <h3>{s.language}</h3>
                <p class="hint">{s.note}</p>
                <pre class="snippet">
                  <code>{s.code}</code>
                </pre>
              </section>
            ))}
          </div>
        </div>
      </Layout>,
    );
  });
}
