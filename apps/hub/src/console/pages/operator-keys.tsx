import type { Context, Hono } from "hono";
import { validate } from "../../lib/validate.ts";
import {
  createOperatorKey,
  createOperatorKeyInput,
  listOperatorKeys,
  revokeOperatorKey,
} from "../../services/operators/operator-keys.ts";
import { actorOf, attempt, type ConsoleDeps, type ConsoleEnv, field } from "../console-env.ts";
import { Badge, Csrf, type Flash, Layout, when } from "../layout.tsx";

/**
 * Operator keys (docs/security.md): create one (its secret shown once), list, revoke. The same
 * service as /admin/v1/operator-keys, which validates and audits.
 */
export function registerOperatorKeyPages(ui: Hono<ConsoleEnv>, deps: ConsoleDeps) {
  const ctx = deps.operatorKeys;

  const page = async (c: Context<ConsoleEnv>, flash?: Flash, secret?: { name: string; value: string }) => {
    const keys = await listOperatorKeys(ctx);
    return c.html(
      <Layout title="Operator keys" section="keys" csrf={c.var.csrf} flash={flash}>
        {secret && (
          <div class="secret">
            <p>
              <strong>Copy the key now.</strong> It is shown only this once; the hub keeps its SHA-256 only.
            </p>
            <table class="kv">
              <tr>
                <th>{secret.name}</th>
                <td>
                  <code id="operator-key-secret">{secret.value}</code>
                </td>
              </tr>
            </table>
          </div>
        )}
        <div class="panel">
          <p class="hint">
            Signed in as <span class="mono">{c.var.consoleOperator.name}</span> ({c.var.consoleOperator.scope}
            ). A <b>read</b> key may GET the admin API and /metrics (dashboards) and open a read-only console;
            an <b>admin</b> key may do everything HUB_ADMIN_TOKEN may. Every audit entry names the key.
          </p>
          <form method="post" action="/console/operator-keys" class="inline">
            <Csrf token={c.var.csrf} />
            <label>
              Name
              <input type="text" name="name" required maxlength={64} placeholder="grafana" />
            </label>
            <label>
              Scope
              <select name="scope">
                <option value="read">read</option>
                <option value="admin">admin</option>
              </select>
            </label>
            <button type="submit">Create key</button>
          </form>
        </div>
        <table>
          <thead>
            <tr>
              <th>name</th>
              <th>scope</th>
              <th>created</th>
              <th>by</th>
              <th>revoked</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr>
                <td class="mono">{k.name}</td>
                <td>
                  <Badge value={k.scope} />
                </td>
                <td class="nowrap">{when(k.createdAt)}</td>
                <td class="mono">{k.createdBy}</td>
                <td class="nowrap">{when(k.revokedAt)}</td>
                <td>
                  {k.revokedAt === null && (
                    <form method="post" action={`/console/operator-keys/${encodeURIComponent(k.id)}/revoke`}>
                      <Csrf token={c.var.csrf} />
                      <button type="submit" class="danger">
                        Revoke
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Layout>,
    );
  };

  ui.get("/operator-keys", (c) => page(c));

  ui.post("/operator-keys", async (c) => {
    const form = await c.req.parseBody();
    const input = { name: field(form, "name"), scope: field(form, "scope") };
    const res = await attempt(() =>
      createOperatorKey(ctx, validate(createOperatorKeyInput, input), actorOf(c)),
    );
    if (!res.ok) return page(c, { kind: "error", text: res.text });
    return page(
      c,
      { kind: "ok", text: `Created ${res.value.key.name}.` },
      {
        name: res.value.key.name,
        value: res.value.secret,
      },
    );
  });

  ui.post("/operator-keys/:id/revoke", async (c) => {
    const res = await attempt(() => revokeOperatorKey(ctx, c.req.param("id"), actorOf(c)));
    if (!res.ok) return page(c, { kind: "error", text: res.text });
    return page(c, { kind: "ok", text: `Revoked ${res.value.name}: it stopped working now.` });
  });
}
