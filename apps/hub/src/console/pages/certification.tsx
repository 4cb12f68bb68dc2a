import type { CertificationRun } from "@yunlian/db";
import type { Context, Hono } from "hono";
import type { CertificationReport, ClauseResult } from "../../services/certification/report.ts";
import { getRun, listRuns } from "../../services/certification/run-store.ts";
import { startCertificationRun } from "../../services/certification/start-run.ts";
import { actorOf, attempt, type ConsoleDeps, type ConsoleEnv, field } from "../console-env.ts";
import { Badge, Csrf, Layout, when } from "../layout.tsx";

const OUTCOME_LABEL: Record<ClauseResult["outcome"], string> = {
  pass: "pass",
  fail: "fail",
  not_applicable: "n/a",
};

const VENDOR_EXAMPLE = '{\n  "devices": ["<one of its UDeviceIDs>"],\n  "testUsers": ["tester"]\n}';
const APP_EXAMPLE = '{\n  "testUsers": [{ "loginId": "<a test user>", "authToken": "<its AuthToken>" }]\n}';

/** The certified badge beside a platform (list and detail pages): shown while its newest finished run passed. */
export function CertifiedBadge(props: { at: Date | null | undefined }) {
  return props.at ? (
    <span title={`certified ${when(props.at)}`}>
      <Badge value="certified" />
    </span>
  ) : null;
}

/**
 * Certification in the console: a platform's runs and a form to start one
 * (/console/platforms/:platId/certification), and a page per run with its per-clause report
 * (/console/certification/:runId), failed clauses showing what was sent and answered.
 */
export function registerCertificationPages(ui: Hono<ConsoleEnv>, deps: ConsoleDeps) {
  const { ctx, jobs } = deps.certification;

  const runsPage = async (c: Context<ConsoleEnv>, error?: { status: number; text: string; body: string }) => {
    const platId = c.req.param("platId") ?? "";
    const platform = ctx.registry.get(platId);
    if (!platform) {
      return c.html(
        <Layout
          title="No such platform"
          section="platforms"
          csrf={c.var.csrf}
          flash={{ kind: "error", text: `platform ${platId} not found` }}
        />,
        404,
      );
    }
    const runs = await listRuns(ctx.db, platId);
    const vendor = platform.manufacturerCodes.length > 0;
    return c.html(
      <Layout
        title={`Certification of ${platId}`}
        section="platforms"
        csrf={c.var.csrf}
        flash={error ? { kind: "error", text: error.text } : undefined}
      >
        <p class="muted">
          {vendor
            ? "A vendor cloud: the hub exercises every interface of the standard through its adapter against its live cloud, with the test devices listed here (its own)."
            : "An app platform: the hub plays a vendor with a simulated device against its verify endpoint and its dataGateway receiver."}{" "}
          <a href={`/console/platforms/${encodeURIComponent(platId)}`}>Back to the platform</a>
        </p>
        <form
          method="post"
          action={`/console/platforms/${encodeURIComponent(platId)}/certification`}
          class="stack panel"
          id="start-run"
        >
          <Csrf token={c.var.csrf} />
          <label>
            Run request (JSON)
            <textarea name="request">{error?.body ?? (vendor ? VENDOR_EXAMPLE : APP_EXAMPLE)}</textarea>
          </label>
          <button type="submit">Start a certification run</button>
        </form>
        <table id="runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              <th>Requested by</th>
              <th>Started</th>
              <th>Finished</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr>
                <td class="mono">
                  <a href={`/console/certification/${encodeURIComponent(r.runId)}`}>{r.runId}</a>
                </td>
                <td>
                  <Badge value={r.status} />
                </td>
                <td class="mono">{r.requestedBy}</td>
                <td class="muted">{when(r.createdAt)}</td>
                <td class="muted">{when(r.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {runs.length === 0 && <p class="empty">No certification run yet.</p>}
      </Layout>,
      error ? (error.status as 400) : 200,
    );
  };

  ui.get("/platforms/:platId/certification", (c) => runsPage(c));

  ui.post("/platforms/:platId/certification", async (c) => {
    const platId = c.req.param("platId");
    const text = field(await c.req.parseBody(), "request");
    let body: unknown;
    try {
      body = JSON.parse(text === "" ? "{}" : text);
    } catch (err) {
      return runsPage(c, {
        status: 400,
        text: `The run request is not JSON: ${err instanceof Error ? err.message : String(err)}`,
        body: text,
      });
    }
    const started = await attempt(() => startCertificationRun(ctx, jobs, platId, body, actorOf(c).actor));
    if (!started.ok) return runsPage(c, { status: started.status, text: started.text, body: text });
    return c.redirect(`/console/certification/${encodeURIComponent(started.value.runId)}`, 303);
  });

  ui.get("/certification/:runId", async (c) => {
    const run = await getRun(ctx.db, c.req.param("runId"));
    if (!run) {
      return c.html(
        <Layout
          title="No such run"
          section="platforms"
          csrf={c.var.csrf}
          flash={{ kind: "error", text: "certification run not found" }}
        />,
        404,
      );
    }
    return c.html(<RunPage run={run} csrf={c.var.csrf} />);
  });
}

function RunPage(props: { run: CertificationRun; csrf: string }) {
  const { run } = props;
  const report = run.report as CertificationReport | null;
  const inProgress = run.status === "queued" || run.status === "running";
  return (
    <Layout title={`Certification run ${run.runId}`} section="platforms" csrf={props.csrf}>
      <table class="kv panel" id="run">
        <tr>
          <th>Platform</th>
          <td class="mono">
            <a href={`/console/platforms/${encodeURIComponent(run.platId)}/certification`}>{run.platId}</a> (
            {run.role})
          </td>
        </tr>
        <tr>
          <th>Status</th>
          <td>
            <Badge value={run.status} /> {run.status === "passed" && <Badge value="certified" />}
            {inProgress && <span class="muted"> — reload to follow it</span>}
          </td>
        </tr>
        <tr>
          <th>Requested by</th>
          <td class="mono">{run.requestedBy}</td>
        </tr>
        <tr>
          <th>Started / finished</th>
          <td class="muted">
            {when(run.startedAt)} / {when(run.finishedAt)}
          </td>
        </tr>
        <tr>
          <th>Request</th>
          <td class="mono wrap">{JSON.stringify(run.request)}</td>
        </tr>
        {run.error && (
          <tr>
            <th>Error</th>
            <td>{run.error}</td>
          </tr>
        )}
        {report && (
          <tr>
            <th>Calls made</th>
            <td>{report.calls}</td>
          </tr>
        )}
      </table>
      {report && (
        <table id="clauses">
          <thead>
            <tr>
              <th>Clause</th>
              <th>Section</th>
              <th>Required</th>
              <th>Outcome</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {report.clauses.map((cl) => (
              <tr id={`clause-${cl.id}`}>
                <td>
                  <span class="mono">{cl.id}</span>
                  <div class="muted">{cl.title}</div>
                </td>
                <td class="nowrap">{cl.section}</td>
                <td>{cl.required ? "required" : "optional"}</td>
                <td>
                  <Badge value={OUTCOME_LABEL[cl.outcome]} />
                </td>
                <td class="wrap">
                  {cl.detail ?? ""}
                  {cl.exchanges && (
                    <details>
                      <summary>{cl.exchanges.length} request(s) and answer(s)</summary>
                      {cl.exchanges.map((e) => (
                        <pre class="mono wrap">
                          {`${e.method} ${e.url}\n${JSON.stringify(e.requestHeaders)}\n${e.requestBody}\n→ ${e.status ?? "no answer"} ${e.answer}`}
                        </pre>
                      ))}
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
