import type { Hono } from "hono";
import { readAudit } from "../../services/audit/audit-query.ts";
import type { ConsoleDeps, ConsoleEnv } from "../console-env.ts";
import { Badge, Layout, when } from "../layout.tsx";

const PAGE = 100;
const OUTCOMES = ["ok", "denied", "failed"] as const;

/** `2025-01-02T03:04` from a datetime-local input, read as UTC; undefined when empty or invalid. */
function utc(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const d = new Date(/Z$|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function registerAuditPage(ui: Hono<ConsoleEnv>, deps: ConsoleDeps) {
  ui.get("/audit", async (c) => {
    const q = c.req.query();
    const outcome = OUTCOMES.find((o) => o === q.outcome);
    const before = Number(q.before);
    const action = q.action?.trim();
    // The console's action filter matches the action and everything under it.
    const entries = await readAudit(deps.audit, {
      actor: q.actor?.trim() || undefined,
      action: action ? `${action.replace(/\*$/, "")}*` : undefined,
      outcome,
      from: utc(q.from),
      to: utc(q.to),
      before: Number.isSafeInteger(before) && before > 0 ? before : undefined,
      limit: PAGE,
    });
    const last = entries.at(-1);
    const next = new URLSearchParams({ ...q, before: String(last?.id ?? "") });
    return c.html(
      <Layout title="Audit log" section="audit" csrf={c.var.csrf}>
        <form method="get" action="/console/audit" class="inline panel">
          <label>
            Actor
            <input
              type="text"
              name="actor"
              value={q.actor ?? ""}
              placeholder="operator:bootstrap, platform:…, anonymous"
            />
          </label>
          <label>
            Action
            <input
              type="text"
              name="action"
              value={q.action ?? ""}
              placeholder="platform, delivery.replay…"
            />
          </label>
          <label>
            Outcome
            <select name="outcome">
              <option value="">any</option>
              {OUTCOMES.map((o) => (
                <option value={o} selected={o === outcome}>
                  {o}
                </option>
              ))}
            </select>
          </label>
          <label>
            From (UTC)
            <input type="datetime-local" name="from" value={q.from ?? ""} />
          </label>
          <label>
            To (UTC)
            <input type="datetime-local" name="to" value={q.to ?? ""} />
          </label>
          <button type="submit">Filter</button>
          <a class="button secondary" href="/console/audit">
            Clear
          </a>
        </form>
        <table id="audit">
          <thead>
            <tr>
              <th>When</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>Outcome</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr>
                <td class="muted nowrap">{when(e.at)}</td>
                <td class="mono nowrap">{e.actor}</td>
                <td class="mono nowrap">{e.action}</td>
                <td class="mono nowrap">{e.target ?? "—"}</td>
                <td>
                  <Badge value={e.outcome} />
                </td>
                <td class="mono wrap">{Object.keys(e.detail).length ? JSON.stringify(e.detail) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {entries.length === 0 && <p class="empty">No entry matches.</p>}
        {entries.length === PAGE && (
          <p class="pager">
            <a href={`/console/audit?${next}`}>Older entries →</a>
          </p>
        )}
      </Layout>,
    );
  });
}
