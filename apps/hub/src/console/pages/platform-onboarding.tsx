import type { Hono } from "hono";
import { validate } from "../../lib/validate.ts";
import { promotePlatformInput } from "../../services/platforms/platform-input.ts";
import { promotePlatform } from "../../services/platforms/promote-platform.ts";
import { actorOf, attempt, type ConsoleDeps, type ConsoleEnv, field } from "../console-env.ts";
import { Badge, Csrf, Layout, when } from "../layout.tsx";
import { SecretOnce } from "./secret-once.tsx";

/**
 * The partner's path on the operator's platform pages (issue 18): the sandbox badge, where the
 * platform stands with certification (read from the CertificationStatus port, which certification
 * runs fill), and promotion to production.
 */

/** Beside a sandbox platform's PlatID and name, in the list and on its page. */
export function SandboxBadge(props: { sandbox: boolean }) {
  return props.sandbox ? (
    <>
      {" "}
      <Badge value="sandbox" />
    </>
  ) : null;
}

/** The platform page's certification and promotion section. */
export function OnboardingPanel(props: {
  platId: string;
  sandbox: boolean;
  promotedAt: string | null;
  certifiedAt: Date | null;
  csrf: string;
}) {
  const path = `/console/platforms/${encodeURIComponent(props.platId)}`;
  return (
    <section id="onboarding">
      <h2>Certification</h2>
      <p id="certification-status">
        {props.certifiedAt ? (
          <>
            <Badge value="ok" /> Certified at {when(props.certifiedAt)}
          </>
        ) : (
          <>
            <Badge value="pending" /> Not certified: no certification run of this platform has passed every
            required clause yet.
          </>
        )}
      </p>
      {props.sandbox ? (
        <form method="post" action={`${path}/promote`} class="inline" id="promote-form">
          <Csrf token={props.csrf} />
          {!props.certifiedAt && (
            <label class="check">
              <input type="checkbox" name="force" value="on" /> Promote although it is not certified (audited
              as forced)
            </label>
          )}
          <button type="submit">Promote to production</button>
          <span class="hint">
            Keeps its settings, issues fresh secrets (the sandbox ones stop at once) and removes its sandbox
            users, bindings, grants and device data.
          </span>
        </form>
      ) : (
        <p class="muted" id="production-since">
          In production{props.promotedAt ? `, promoted from the sandbox at ${when(props.promotedAt)}` : ""}.
        </p>
      )}
    </section>
  );
}

export function registerOnboardingPages(ui: Hono<ConsoleEnv>, deps: ConsoleDeps) {
  const ctx = deps.platforms;
  ui.post("/platforms/:platId/promote", async (c) => {
    const platId = c.req.param("platId");
    const force = field(await c.req.parseBody(), "force") === "on";
    const res = await attempt(() =>
      promotePlatform(ctx, platId, actorOf(c), validate(promotePlatformInput, force ? { force } : {})),
    );
    if (!res.ok) {
      return c.html(
        <Layout
          title={`Promote ${platId}`}
          section="platforms"
          csrf={c.var.csrf}
          flash={{ kind: "error", text: res.text }}
        >
          <p>
            <a class="button secondary" href={`/console/platforms/${encodeURIComponent(platId)}`}>
              Back to the platform
            </a>
          </p>
        </Layout>,
        res.status === 404 ? 404 : 409,
      );
    }
    const p = res.value;
    return c.html(
      <SecretOnce
        title={`Promoted ${platId} to production`}
        note={
          p.forced
            ? "Promoted without a certification (forced): the audit log says so."
            : `Certified at ${when(p.certifiedAt)}.`
        }
        platId={platId}
        appId={p.platform.appId}
        appSecret={p.appSecret}
        webhookSecret={p.webhookSecret}
        ingestUrl={p.ingestUrl}
        previousValidUntil={null}
        csrf={c.var.csrf}
      />,
    );
  });
}
