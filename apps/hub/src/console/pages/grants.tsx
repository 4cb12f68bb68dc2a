import type { Context, Hono } from "hono";
import { validate } from "../../lib/validate.ts";
import { operatorGrantInput } from "../../services/grants/grant-input.ts";
import { grantDevice, listGrants, revokeGrant } from "../../services/grants/grants.ts";
import { actorOf, attempt, type ConsoleDeps, type ConsoleEnv, field } from "../console-env.ts";
import { Csrf, type Flash, Layout, when } from "../layout.tsx";

/**
 * Sharing grants (standard 7.2.1's trust rule, docs/design.md §4): grant a device on behalf of the
 * platform that holds it, list, revoke. The same service as /admin/v1/grants, which checks and audits.
 */
export function registerGrantPages(ui: Hono<ConsoleEnv>, deps: ConsoleDeps) {
  const ctx = deps.grants;

  const page = async (c: Context<ConsoleEnv>, flash?: Flash) => {
    const grants = await listGrants(ctx, {});
    return c.html(
      <Layout title="Sharing grants" section="grants" csrf={c.var.csrf} flash={flash}>
        <div class="panel">
          <p class="hint">
            A device bound through one platform is refused to another platform's users unless the first grants
            it. The granting platform must hold the device in its own right. Revoking unbinds the grantee's
            users from it at once; both platforms are told (DataType <span class="mono">grant</span>).
          </p>
          <form method="post" action="/console/grants" class="inline">
            <Csrf token={c.var.csrf} />
            <label>
              Device
              <input type="text" name="deviceId" required maxlength={64} placeholder="UDeviceID" />
            </label>
            <label>
              From platform
              <input type="text" name="grantorPlatId" required maxlength={64} />
            </label>
            <label>
              To platform
              <input type="text" name="granteePlatId" required maxlength={64} />
            </label>
            <button type="submit">Grant</button>
          </form>
        </div>
        <table>
          <thead>
            <tr>
              <th>device</th>
              <th>from</th>
              <th>to</th>
              <th>since</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {grants.map((g) => (
              <tr>
                <td class="mono">{g.deviceId}</td>
                <td class="mono">{g.grantorPlatId}</td>
                <td class="mono">{g.granteePlatId}</td>
                <td class="nowrap">{when(g.createdAt)}</td>
                <td>
                  <form
                    method="post"
                    action={`/console/grants/${encodeURIComponent(g.deviceId)}/${encodeURIComponent(g.granteePlatId)}/revoke`}
                  >
                    <Csrf token={c.var.csrf} />
                    <button type="submit" class="danger">
                      Revoke
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Layout>,
    );
  };

  ui.get("/grants", (c) => page(c));

  ui.post("/grants", async (c) => {
    const form = await c.req.parseBody();
    const input = {
      deviceId: field(form, "deviceId"),
      grantorPlatId: field(form, "grantorPlatId"),
      granteePlatId: field(form, "granteePlatId"),
    };
    const res = await attempt(() => grantDevice(ctx, validate(operatorGrantInput, input), actorOf(c)));
    if (!res.ok) return page(c, { kind: "error", text: res.text });
    return page(c, {
      kind: "ok",
      text: `Granted ${res.value.grant.deviceId} to ${res.value.grant.granteePlatId}.`,
    });
  });

  ui.post("/grants/:deviceId/:granteePlatId/revoke", async (c) => {
    const { deviceId, granteePlatId } = c.req.param();
    const res = await attempt(() => revokeGrant(ctx, { deviceId, granteePlatId }, actorOf(c)));
    if (!res.ok) return page(c, { kind: "error", text: res.text });
    return page(c, {
      kind: "ok",
      text: `Revoked: ${res.value.unboundUsers} user(s) of ${granteePlatId} unbound from ${deviceId}.`,
    });
  });
}
