import { DELIVERY_STATUSES } from "@yunlian/db";
import type { Context, Hono } from "hono";
import { validate } from "../../lib/validate.ts";
import { age, deliveryHealth, type PlatformHealth } from "../../services/reports/delivery-health.ts";
import { bulkReplayInput } from "../../services/reports/delivery-queries.ts";
import { deliveryStats } from "../../services/reports/delivery-stats.ts";
import {
  deliveryDetail,
  listDeliveryViews,
  replayOne,
  replaySince,
} from "../../services/reports/manage-deliveries.ts";
import { actorOf, attempt, type ConsoleDeps, type ConsoleEnv, field } from "../console-env.ts";
import { Badge, Csrf, type Flash, Layout, when } from "../layout.tsx";
import { ms, percent, Sparkline } from "./delivery-charts.tsx";
import { SandboxBadge } from "./platform-onboarding.tsx";

/** Dead letters first: what an operator comes here for. */
const STATUSES = [...DELIVERY_STATUSES].reverse();

/**
 * Why an open delivery waits (issue 18): a delivery the worker found its endpoint's breaker open
 * for is put off to when the breaker lets one attempt through, without an attempt counted.
 */
function waitReason(
  d: { status: string; nextAttemptAt: string | null },
  health: PlatformHealth | undefined,
  now: Date,
): string | undefined {
  if (!d.nextAttemptAt || new Date(d.nextAttemptAt) <= now) return undefined;
  if (health?.breaker === "open" || health?.breaker === "half-open")
    return `breaker open until ${when(d.nextAttemptAt)}`;
  return d.status === "failed"
    ? `retry at ${when(d.nextAttemptAt)}`
    : `next attempt ${when(d.nextAttemptAt)}`;
}

/** The flash a redirect after a replay asks for (POST → redirect → GET). */
function replayFlash(c: Context<ConsoleEnv>): Flash | undefined {
  const replayed = c.req.query("bulkReplayed");
  if (replayed !== undefined && /^\d{1,9}$/.test(replayed))
    return { kind: "ok", text: `Replayed ${replayed} deliveries of ${c.req.query("platId") ?? ""}.` };
  return undefined;
}

export function registerDeliveryPages(ui: Hono<ConsoleEnv>, deps: ConsoleDeps) {
  const ctx = deps.deliveries;
  const page = async (c: Context<ConsoleEnv>, flash?: Flash) => {
    const hours = [1, 6, 24, 72, 168].includes(Number(c.req.query("hours")))
      ? Number(c.req.query("hours"))
      : 24;
    const platId = c.req.query("platId") ?? "";
    const status = STATUSES.find((s) => s === c.req.query("status")) ?? "dead";
    const now = deps.now();
    const [stats, list, health] = await Promise.all([
      deliveryStats(ctx.db, now, hours),
      listDeliveryViews(ctx, { status, limit: 50, ...(platId ? { platId } : {}) }),
      deliveryHealth({ db: ctx.db, breakers: deps.breakers }, ctx.registry.all(), now, deps.breakerThreshold),
    ]);
    const oldestOpen = [...health.values()]
      .map((h) => h.oldestOpenAt)
      .filter((d): d is Date => d !== null)
      .sort((a, b) => a.getTime() - b.getTime())[0];
    const rows = list.deliveries;
    // As configured at start (HUB_DELIVERY_BREAKER_THRESHOLD), like the breakers themselves.
    const threshold = deps.breakerThreshold;
    const failing = stats.platforms.filter((p) => p.consecutiveFailures > 0);
    const platforms = ctx.registry
      .all()
      .filter((p) => p.dataGatewayUrl)
      .map((p) => p.platId)
      .sort();
    return c.html(
      <Layout title="Deliveries" section="deliveries" csrf={c.var.csrf} flash={flash}>
        <div class="cards">
          {STATUSES.map((s) => (
            <div class="card">
              <div class="label">
                {s === "failed" ? "failed (retrying)" : s === "pending" ? "pending (not tried yet)" : s}
              </div>
              <div class="value" id={`count-${s}`}>
                {stats.statusCounts[s] ?? 0}
              </div>
            </div>
          ))}
          <div class="card">
            <div class="label">waiting (pending + failed)</div>
            <div class="value" id="count-waiting">
              {(stats.statusCounts.pending ?? 0) + (stats.statusCounts.failed ?? 0)}
            </div>
          </div>
          <div class="card">
            <div class="label">oldest waiting</div>
            <div class="value" id="oldest-waiting">
              {oldestOpen ? age(oldestOpen, now) : "—"}
            </div>
          </div>
        </div>

        <div class="spread">
          <h2>Success rate and latency per platform</h2>
          <form method="get" action="/console/deliveries" class="inline">
            <select name="hours">
              {[1, 6, 24, 72, 168].map((h) => (
                <option
                  value={String(h)}
                  selected={h === hours}
                >{`last ${h < 48 ? `${h} h` : `${h / 24} days`}`}</option>
              ))}
            </select>
            <button type="submit" class="secondary small">
              Show
            </button>
          </form>
        </div>
        <table>
          <thead>
            <tr>
              <th>Platform</th>
              <th class="num">Attempts</th>
              <th class="num">Success</th>
              <th class="num">p50</th>
              <th class="num">p95</th>
              <th>{`Attempts per ${stats.bucketMs / 3_600_000} h`}</th>
            </tr>
          </thead>
          <tbody>
            {stats.platforms.map((p) => (
              <tr>
                <td class="mono">{p.platId}</td>
                <td class="num">{p.attempts}</td>
                <td class="num">{percent(p.successRate)}</td>
                <td class="num">{ms(p.p50Ms)}</td>
                <td class="num">{ms(p.p95Ms)}</td>
                <td>
                  <Sparkline buckets={p.buckets} bucketMs={stats.bucketMs} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {stats.platforms.length === 0 && <p class="empty">No delivery attempt in this window.</p>}
        {stats.truncated && <p class="muted">Only the newest 100,000 attempts of the window are counted.</p>}

        <h2>Failing endpoints</h2>
        <p class="muted">
          {`Circuit breakers live in each delivery worker's memory, out of the hub's reach; this view derives them from the attempts: an endpoint whose latest ${threshold} attempts (HUB_DELIVERY_BREAKER_THRESHOLD) all failed has an open breaker.`}
        </p>
        <table>
          <thead>
            <tr>
              <th>Platform</th>
              <th>Endpoint</th>
              <th class="num">Failures in a row</th>
              <th>Breaker</th>
              <th>Last error</th>
              <th>Last failure</th>
            </tr>
          </thead>
          <tbody>
            {failing.map((p) => (
              <tr>
                <td class="mono">{p.platId}</td>
                <td class="mono">{ctx.registry.get(p.platId)?.dataGatewayUrl ?? "—"}</td>
                <td class="num">{p.consecutiveFailures}</td>
                <td>
                  <Badge value={p.consecutiveFailures >= threshold ? "open" : "failing"} />
                </td>
                <td>{p.lastError ?? "—"}</td>
                <td class="muted">{when(p.lastFailureAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {failing.length === 0 && <p class="empty">Every endpoint's latest attempt succeeded.</p>}

        <div class="spread">
          <h2>{status === "dead" ? "Dead letters" : `Deliveries: ${status}`}</h2>
          <form method="get" action="/console/deliveries" class="inline">
            <input type="hidden" name="hours" value={String(hours)} />
            <select name="platId">
              <option value="">every platform</option>
              {platforms.map((p) => (
                <option value={p} selected={p === platId}>
                  {p}
                </option>
              ))}
            </select>
            <select name="status">
              {STATUSES.map((s) => (
                <option value={s} selected={s === status}>
                  {s}
                </option>
              ))}
            </select>
            <button type="submit" class="secondary small">
              Filter
            </button>
          </form>
        </div>
        <table id="dead-letters">
          <thead>
            <tr>
              <th>Delivery</th>
              <th>Platform</th>
              <th>Device</th>
              <th>Status</th>
              <th class="num">Attempts</th>
              <th>Last error</th>
              <th>Waiting for</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr>
                <td class="mono">
                  <a href={`/console/deliveries/${encodeURIComponent(d.id)}`}>{d.id}</a>
                </td>
                <td class="mono nowrap">
                  {d.platId}
                  <SandboxBadge sandbox={ctx.registry.get(d.platId)?.sandbox ?? false} />
                </td>
                <td class="mono">
                  <a href={`/console/devices?id=${encodeURIComponent(d.udeviceId)}`}>{d.udeviceId}</a>
                </td>
                <td>
                  <Badge value={d.status} />
                </td>
                <td class="num">{d.attempts}</td>
                <td>{d.lastError ?? "—"}</td>
                <td class="wait-reason">{waitReason(d, health.get(d.platId), now) ?? "—"}</td>
                <td class="muted">{when(d.createdAt)}</td>
                <td>
                  {(d.status === "dead" || d.status === "failed") && (
                    <form method="post" action={`/console/deliveries/${encodeURIComponent(d.id)}/replay`}>
                      <Csrf token={c.var.csrf} />
                      <button type="submit" class="small">
                        Replay
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p class="empty">Nothing here.</p>}

        <div class="panel spaced">
          <h2>Replay in bulk</h2>
          <form method="post" action="/console/deliveries/replay" class="inline">
            <Csrf token={c.var.csrf} />
            <label>
              Platform
              <select name="platId" required>
                {platforms.map((p) => (
                  <option value={p} selected={p === platId}>
                    {p}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Created since (UTC)
              <input
                type="datetime-local"
                name="since"
                required
                value={stats.since.toISOString().slice(0, 16)}
              />
            </label>
            <button type="submit">Replay failed and dead</button>
          </form>
        </div>
      </Layout>,
    );
  };

  ui.get("/deliveries", (c) => page(c, replayFlash(c)));

  ui.post("/deliveries/replay", async (c) => {
    const form = await c.req.parseBody();
    const since = new Date(`${field(form, "since")}Z`);
    if (Number.isNaN(since.getTime())) return page(c, { kind: "error", text: "since: not a date and time" });
    const res = await attempt(() =>
      replaySince(
        ctx,
        validate(bulkReplayInput, { platId: field(form, "platId"), since: since.toISOString() }),
        actorOf(c),
      ),
    );
    if (!res.ok) return page(c, { kind: "error", text: res.text });
    // POST → redirect → GET: a reload does not replay again, and the URL is the list's.
    const to = new URLSearchParams({
      platId: field(form, "platId"),
      status: "pending",
      bulkReplayed: String(res.value.replayed),
    });
    return c.redirect(`/console/deliveries?${to}`, 303);
  });

  ui.post("/deliveries/:id/replay", async (c) => {
    const id = c.req.param("id");
    const res = await attempt(() => replayOne(ctx, id, actorOf(c)));
    const detail = `/console/deliveries/${encodeURIComponent(id)}`;
    if (!res.ok && res.status === 404) return c.redirect(detail, 303);
    return c.redirect(`${detail}?replay=${res.ok ? "done" : "refused"}`, 303);
  });

  ui.get("/deliveries/:id", async (c) => {
    const res = await attempt(() => deliveryDetail(ctx, c.req.param("id")));
    if (!res.ok)
      return c.html(
        <Layout
          title="Delivery"
          section="deliveries"
          csrf={c.var.csrf}
          flash={{ kind: "error", text: res.text }}
        />,
        404,
      );
    const d = res.value;
    const now = deps.now();
    const health = await deliveryHealth(
      { db: ctx.db, breakers: deps.breakers },
      ctx.registry.all(),
      now,
      deps.breakerThreshold,
    );
    const replay = c.req.query("replay");
    const flash: Flash | undefined =
      replay === "done"
        ? { kind: "ok", text: `Delivery ${d.id} is pending again.` }
        : replay === "refused"
          ? {
              kind: "error",
              text: `Delivery ${d.id} is ${d.status}: only failed or dead deliveries are replayed.`,
            }
          : undefined;
    const reason = waitReason(d, health.get(d.platId), now);
    return c.html(
      <Layout title={`Delivery ${d.id}`} section="deliveries" csrf={c.var.csrf} flash={flash}>
        <table class="kv">
          <tr>
            <th>Status</th>
            <td>
              <Badge value={d.status} />
            </td>
          </tr>
          <tr>
            <th>Platform</th>
            <td class="mono">
              {d.platId}
              <SandboxBadge sandbox={ctx.registry.get(d.platId)?.sandbox ?? false} />
            </td>
          </tr>
          <tr>
            <th>Device</th>
            <td class="mono">{d.udeviceId}</td>
          </tr>
          <tr>
            <th>Report</th>
            <td class="mono">{d.reportId}</td>
          </tr>
          <tr>
            <th>Attempts</th>
            <td id="attempt-count">{d.attempts.length}</td>
          </tr>
          <tr>
            <th>Next attempt</th>
            <td id="next-attempt">
              {when(d.nextAttemptAt)}
              {reason?.startsWith("breaker") && <span class="muted">{` (${reason})`}</span>}
            </td>
          </tr>
          <tr>
            <th>Delivered</th>
            <td>{when(d.deliveredAt)}</td>
          </tr>
          <tr>
            <th>Created</th>
            <td>{when(d.createdAt)}</td>
          </tr>
        </table>
        {(d.status === "dead" || d.status === "failed") && (
          <form method="post" action={`/console/deliveries/${encodeURIComponent(d.id)}/replay`}>
            <Csrf token={c.var.csrf} />
            <button type="submit" class="small">
              Replay
            </button>
          </form>
        )}
        <h2>Attempts</h2>
        <table>
          <thead>
            <tr>
              <th class="num" title="in time order, across replays">
                #
              </th>
              <th>Started</th>
              <th class="num">Duration</th>
              <th class="num">HTTP</th>
              <th>RetCode</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {d.attempts.map((a) => (
              <tr>
                <td class="num">{a.attempt}</td>
                <td>{when(a.startedAt)}</td>
                <td class="num">{ms(a.durationMs)}</td>
                <td class="num">{a.httpStatus ?? "—"}</td>
                <td>{a.retCode ?? "—"}</td>
                <td>{a.error ?? <Badge value="ok" />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Layout>,
    );
  });
}
