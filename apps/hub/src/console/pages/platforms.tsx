import type { Context, Hono } from "hono";
import type { Child } from "hono/jsx";
import { validate } from "../../lib/validate.ts";
import { certifiedPlatforms } from "../../services/certification/run-store.ts";
import {
  deletePlatform,
  registerPlatform,
  rotateSecret,
  updatePlatform,
} from "../../services/platforms/manage-platforms.ts";
import {
  registerPlatformInput,
  rotateSecretInput,
  updatePlatformInput,
} from "../../services/platforms/platform-input.ts";
import { platformView } from "../../services/platforms/platform-view.ts";
import { deliveryHealth } from "../../services/reports/delivery-health.ts";
import { replaySince } from "../../services/reports/manage-deliveries.ts";
import { actorOf, attempt, type ConsoleDeps, type ConsoleEnv, field } from "../console-env.ts";
import { Badge, Csrf, type Flash, Layout, when } from "../layout.tsx";
import { CertifiedBadge } from "./certification.tsx";
import { emptyPlatformForm, PlatformForm, type PlatformFormValues, platformBody } from "./platform-form.tsx";
import { HealthCells, HealthPanel } from "./platform-health.tsx";
import { OnboardingPanel, SandboxBadge } from "./platform-onboarding.tsx";
import { SecretOnce } from "./secret-once.tsx";

type Platform = ReturnType<typeof platformView>;

const formValues = (form: Record<string, unknown>): PlatformFormValues => ({
  platId: field(form, "platId"),
  name: field(form, "name"),
  manufacturerCodes: field(form, "manufacturerCodes"),
  adapter: field(form, "adapter"),
  adapterConfig: field(form, "adapterConfig"),
  apiBaseUrl: field(form, "apiBaseUrl"),
  verifyUrl: field(form, "verifyUrl"),
  dataGatewayUrl: field(form, "dataGatewayUrl"),
  appId: field(form, "appId"),
  securityMode: field(form, "securityMode"),
  httpStatus: field(form, "httpStatus"),
  opResult: field(form, "opResult"),
  certFingerprints: field(form, "certFingerprints"),
  sandbox: field(form, "sandbox"),
});

const valuesOf = (p: Platform): PlatformFormValues => ({
  platId: p.platId,
  name: p.name,
  manufacturerCodes: p.manufacturerCodes.join(", "),
  adapter: p.adapter,
  adapterConfig: JSON.stringify(p.adapterConfig ?? {}, null, 2),
  apiBaseUrl: p.apiBaseUrl ?? "",
  verifyUrl: p.verifyUrl ?? "",
  dataGatewayUrl: p.dataGatewayUrl ?? "",
  appId: p.vendorAppId ?? "",
  securityMode: p.security.mode,
  httpStatus: p.httpStatus,
  opResult: p.events.includes("opResult") ? "on" : "",
  certFingerprints: p.security.certFingerprints.join("\n"),
  sandbox: p.sandbox ? "on" : "",
});

/** Next to the security badge of a platform in mode none: it is not authenticated by any secret. */
function PlainModeMark() {
  return (
    <span class="plain-mode" title="requests neither signed nor certificate-bound: PlatID + AppID only">
      {" "}
      ⚠ unsigned
    </span>
  );
}

/** After a dataGatewayUrl change without the checkbox: one button replays what is waiting. */
function ReplayOffer(props: { platId: string; csrf: string }) {
  return (
    <form method="post" action="/console/deliveries/replay" class="inline flash warning" id="replay-offer">
      <Csrf token={props.csrf} />
      <input type="hidden" name="platId" value={props.platId} />
      <input type="hidden" name="since" value="1970-01-01T00:00" />
      <span>The dataGateway URL changed: its failed and dead deliveries can go to the new one.</span>{" "}
      <button type="submit" class="small">
        Replay failed and dead deliveries
      </button>
    </form>
  );
}

export function registerPlatformPages(ui: Hono<ConsoleEnv>, deps: ConsoleDeps) {
  const ctx = deps.platforms;
  const adapters = () => ctx.adapters.names();
  const health = () =>
    deliveryHealth(
      { db: deps.deliveries.db, breakers: deps.breakers },
      ctx.registry.all(),
      deps.now(),
      deps.breakerThreshold,
    );

  ui.get("/platforms", async (c) => {
    const platforms = ctx.registry
      .all()
      .sort((a, b) => a.platId.localeCompare(b.platId))
      .map((p) => platformView(p, ctx.publicUrl));
    const flash = c.req.query("deleted")
      ? { kind: "ok" as const, text: `Removed ${c.req.query("deleted")}.` }
      : undefined;
    const healthOf = await health();
    const certified = await certifiedPlatforms(deps.certification.ctx.db);
    const now = deps.now();
    return c.html(
      <Layout title="Platforms" section="platforms" csrf={c.var.csrf} flash={flash}>
        <div class="spread">
          <p class="muted">
            {platforms.length} registered. Each platform is a tenant: a vendor cloud, an app platform, or
            both.
          </p>
          <a class="button" href="/console/platforms/new">
            Register platform
          </a>
        </div>
        <table>
          <thead>
            <tr>
              <th>PlatID</th>
              <th>Name</th>
              <th>Manufacturer codes</th>
              <th>Adapter</th>
              <th>Security</th>
              <th>Receives reports</th>
              <th class="num" title="delivery attempts that succeeded, last 24 h">
                Success 24 h
              </th>
              <th class="num">Failed / dead</th>
              <th>Breaker</th>
              <th title="age of its oldest pending or failed delivery">Oldest waiting</th>
              <th>Registered</th>
            </tr>
          </thead>
          <tbody>
            {platforms.map((p) => (
              <tr>
                <td class="mono">
                  <a href={`/console/platforms/${encodeURIComponent(p.platId)}`}>{p.platId}</a>{" "}
                  <SandboxBadge sandbox={p.sandbox} />
                  <CertifiedBadge at={certified.get(p.platId)} />
                </td>
                <td>{p.name}</td>
                <td class="mono">{p.manufacturerCodes.join(", ") || "—"}</td>
                <td>{p.adapter}</td>
                <td>
                  <Badge value={p.security.mode} />
                  {p.security.mode === "none" && <PlainModeMark />}
                </td>
                <td>
                  {p.dataGatewayUrl ? p.dataGatewayDisabledAt ? <Badge value="failing" /> : "yes" : "—"}
                </td>
                <HealthCells platId={p.platId} health={healthOf.get(p.platId)} now={now} />
                <td class="muted">{when(p.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {platforms.length === 0 && <p class="empty">No platform yet.</p>}
      </Layout>,
    );
  });

  ui.get("/platforms/new", (c) =>
    c.html(
      <Layout title="Register a platform" section="platforms" csrf={c.var.csrf}>
        <div class="panel">
          <PlatformForm
            action="/console/platforms"
            csrf={c.var.csrf}
            values={emptyPlatformForm}
            adapters={adapters()}
            mode="register"
          />
        </div>
      </Layout>,
    ),
  );

  ui.post("/platforms", async (c) => {
    const values = formValues(await c.req.parseBody());
    const res = await attempt(() =>
      registerPlatform(ctx, validate(registerPlatformInput, platformBody(values, "register")), actorOf(c)),
    );
    if (!res.ok) {
      return c.html(
        <Layout
          title="Register a platform"
          section="platforms"
          csrf={c.var.csrf}
          flash={{ kind: "error", text: res.text }}
        >
          <div class="panel">
            <PlatformForm
              action="/console/platforms"
              csrf={c.var.csrf}
              values={values}
              adapters={adapters()}
              mode="register"
            />
          </div>
        </Layout>,
        res.status === 409 ? 409 : 400,
      );
    }
    return c.html(
      <SecretOnce
        title={`Registered ${values.platId}`}
        platId={values.platId}
        appId={res.value.record.appId}
        appSecret={res.value.appSecret}
        webhookSecret={res.value.webhookSecret}
        ingestUrl={platformView(res.value.record, ctx.publicUrl).ingestUrl}
        csrf={c.var.csrf}
      />,
      201,
    );
  });

  const detail = async (
    c: Context<ConsoleEnv>,
    flash?: Flash,
    values?: PlatformFormValues,
    status = 200,
    offer?: Child,
  ) => {
    const platId = c.req.param("platId") ?? "";
    const record = ctx.registry.get(platId);
    if (!record)
      return c.html(
        <Layout
          title="No such platform"
          section="platforms"
          csrf={c.var.csrf}
          flash={{ kind: "error", text: `platform ${platId} not found` }}
        />,
        404,
      );
    const p = platformView(record, ctx.publicUrl);
    const path = `/console/platforms/${encodeURIComponent(p.platId)}`;
    const healthOf = await health();
    const certified = await ctx.certification.certifiedAt(p.platId);
    return c.html(
      <Layout title={p.name} section="platforms" csrf={c.var.csrf} flash={flash}>
        {offer}
        {p.security.mode === "none" && (
          <p class="flash warning" id="plain-mode-warning" role="note">
            Security mode none: this platform's requests are neither signed nor certificate-bound. Anyone who
            learns its PlatID and AppID can act as it. Switch it to hmac (or mtls) as soon as it can sign.
          </p>
        )}
        <div class="row">
          <div class="panel">
            <h2>Registration</h2>
            <table class="kv">
              <tr>
                <th>PlatID</th>
                <td class="mono">{p.platId}</td>
              </tr>
              <tr>
                <th>Namespace</th>
                <td id="namespace">
                  {p.sandbox ? (
                    <>
                      <Badge value="sandbox" /> isolated from production; deliveries carry Yunlian-Sandbox: 1
                    </>
                  ) : (
                    "production"
                  )}
                </td>
              </tr>
              <tr>
                <th>Certification</th>
                <td>
                  <CertifiedBadge at={certified} /> {!certified && <span class="muted">not certified</span>}{" "}
                  <a href={`${path}/certification`}>Runs and reports</a>
                </td>
              </tr>
              <tr>
                <th>AppID (issued by the hub)</th>
                <td class="mono">{p.appId}</td>
              </tr>
              <tr>
                <th>Manufacturer codes</th>
                <td class="mono">{p.manufacturerCodes.join(", ") || "— (app platform)"}</td>
              </tr>
              <tr>
                <th>Security mode</th>
                <td>
                  <Badge value={p.security.mode} />
                  {p.security.mode === "none" && <PlainModeMark />}
                </td>
              </tr>
              <tr>
                <th>HTTP status of /v1 answers</th>
                <td id="http-status">
                  <Badge value={p.httpStatus} />{" "}
                  {p.httpStatus === "always200" ? "always 200, RetCode in the body" : "mirrors RetCode"}
                </td>
              </tr>
              <tr>
                <th>Extra deliveries</th>
                <td id="events">
                  {p.events.length > 0
                    ? p.events.map((e) => <Badge value={e} />)
                    : "none (status reports only)"}
                </td>
              </tr>
              <tr>
                <th>dataGateway</th>
                <td>
                  {p.dataGatewayDisabledAt ? (
                    <>
                      <Badge value="failing" /> disabled since {when(p.dataGatewayDisabledAt)}
                    </>
                  ) : (
                    (p.dataGatewayUrl ?? "—")
                  )}
                </td>
              </tr>
              {p.ingestUrl && (
                <tr>
                  <th>ingestUrl (reports without headers)</th>
                  <td>
                    <code id="ingest-url">{p.ingestUrl}</code>
                  </td>
                </tr>
              )}
              <tr>
                <th>Registered</th>
                <td>{when(p.createdAt)}</td>
              </tr>
              <tr>
                <th>Changed</th>
                <td>{when(p.updatedAt)}</td>
              </tr>
            </table>
            <HealthPanel
              platId={p.platId}
              health={healthOf.get(p.platId)}
              threshold={deps.breakerThreshold}
              now={deps.now()}
            />
            <OnboardingPanel
              platId={p.platId}
              sandbox={p.sandbox}
              promotedAt={p.promotedAt}
              certifiedAt={certified}
              csrf={c.var.csrf}
            />
            <h2>Secrets</h2>
            <form method="post" action={`${path}/secret`} class="inline">
              <Csrf token={c.var.csrf} />
              <label>
                The previous secrets
                <select name="graceSeconds">
                  <option value="86400" selected>
                    keep working for 24 h (planned rotation)
                  </option>
                  <option value="0">stop now (a secret leaked)</option>
                </select>
              </label>
              <button type="submit" class="secondary">
                Rotate appSecret and webhookSecret
              </button>
            </form>
            <h2>Remove</h2>
            <form method="post" action={`${path}/delete`} class="inline">
              <Csrf token={c.var.csrf} />
              <label>
                Type the PlatID to confirm
                <input type="text" name="confirm" />
              </label>
              <button type="submit" class="danger">
                Remove platform
              </button>
            </form>
          </div>
          <div class="panel">
            <h2>Edit</h2>
            <PlatformForm
              action={path}
              csrf={c.var.csrf}
              values={values ?? valuesOf(p)}
              adapters={adapters()}
              mode="edit"
              waiting={(healthOf.get(p.platId)?.failed ?? 0) + (healthOf.get(p.platId)?.dead ?? 0)}
            />
          </div>
        </div>
      </Layout>,
      status as 200,
    );
  };

  ui.get("/platforms/:platId", (c) => detail(c));

  ui.post("/platforms/:platId", async (c) => {
    const form = await c.req.parseBody();
    const values = formValues(form);
    const platId = c.req.param("platId");
    const current = ctx.registry.get(platId);
    if (!current) return detail(c);
    // Only what the form changed, so the audit log says what the operator actually edited.
    const before = platformBody(valuesOf(platformView(current, ctx.publicUrl)), "edit");
    const changes = Object.fromEntries(
      Object.entries(platformBody(values, "edit")).filter(
        ([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k]),
      ),
    );
    if (Object.keys(changes).length === 0) return detail(c, { kind: "ok", text: "Nothing changed." });
    const res = await attempt(() =>
      updatePlatform(ctx, platId, validate(updatePlatformInput, changes), actorOf(c)),
    );
    if (!res.ok) return detail(c, { kind: "error", text: res.text }, values, 400);
    if (!("dataGatewayUrl" in changes) || !values.dataGatewayUrl)
      return detail(c, { kind: "ok", text: "Saved." });
    // A new dataGatewayUrl: what failed at the old one may go to the new one (issue 18).
    if (field(form, "replayWaiting") === "on") {
      const replayed = await replaySince(deps.deliveries, { platId, since: new Date(0) }, actorOf(c));
      return detail(c, {
        kind: "ok",
        text: `Saved. Replayed ${replayed.replayed} failed and dead deliveries to the new dataGateway URL.`,
      });
    }
    return detail(
      c,
      { kind: "ok", text: "Saved." },
      undefined,
      200,
      <ReplayOffer platId={platId} csrf={c.var.csrf} />,
    );
  });

  ui.post("/platforms/:platId/secret", async (c) => {
    const platId = c.req.param("platId");
    const grace = field(await c.req.parseBody(), "graceSeconds");
    const res = await attempt(() => {
      // The form's choice, checked by the same schema as the admin API's body.
      const { graceSeconds } = validate(
        rotateSecretInput,
        grace === "" ? {} : { graceSeconds: Number(grace) },
      );
      return rotateSecret(ctx, platId, actorOf(c), {
        graceMs: graceSeconds === undefined ? undefined : graceSeconds * 1000,
      });
    });
    if (!res.ok) return detail(c, { kind: "error", text: res.text }, undefined, 400);
    return c.html(
      <SecretOnce
        title={`New secrets for ${platId}`}
        platId={platId}
        appSecret={res.value.appSecret}
        webhookSecret={res.value.webhookSecret}
        previousValidUntil={res.value.previousSecretValidUntil}
        ingestUrl={res.value.ingestUrl}
        csrf={c.var.csrf}
      />,
    );
  });

  ui.post("/platforms/:platId/delete", async (c) => {
    const platId = c.req.param("platId");
    if (field(await c.req.parseBody(), "confirm") !== platId)
      return detail(
        c,
        { kind: "error", text: "Type the PlatID exactly to remove the platform." },
        undefined,
        400,
      );
    const res = await attempt(() => deletePlatform(ctx, platId, actorOf(c)));
    if (!res.ok) return detail(c, { kind: "error", text: res.text }, undefined, 400);
    return c.redirect(`/console/platforms?deleted=${encodeURIComponent(platId)}`, 303);
  });
}
