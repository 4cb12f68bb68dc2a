import type { Hono } from "hono";
import type { Child } from "hono/jsx";
import { driftView } from "../../services/reconcile/drift-query.ts";
import { attempt, type ConsoleDeps, type ConsoleEnv } from "../console-env.ts";
import { Layout, when } from "../layout.tsx";

/**
 * What reconciliation found (docs/adr/0011): per vendor, how many polled device states differed
 * from the shadow (reports the vendor did not send: a vendor whose reports go missing stands out
 * here), and the bindings a vendor no longer lists for their user, for the operator to act on.
 */
export function registerDriftPage(ui: Hono<ConsoleEnv>, deps: ConsoleDeps) {
  ui.get("/drift", async (c) => {
    const res = await attempt(() => driftView(deps.devices.db));
    const frame = (body: Child, error?: string) =>
      c.html(
        <Layout
          title="Drift"
          section="drift"
          csrf={c.var.csrf}
          flash={error ? { kind: "error", text: error } : undefined}
        >
          {body}
        </Layout>,
        error ? 500 : 200,
      );
    if (!res.ok) return frame(null, res.text);
    const { vendors, bindings } = res.value;
    return frame(
      <>
        <h2>Vendors</h2>
        <p class="muted">
          The hub polls each vendor's devices at HUB_RECONCILE_RATE calls per minute. Drift is a polled state
          that differed from the hub's shadow: a status report the vendor did not send.
        </p>
        <table id="drift-vendors">
          <thead>
            <tr>
              <th>Vendor</th>
              <th>Polls</th>
              <th>Drift</th>
              <th>Drift rate</th>
              <th>Last drift</th>
            </tr>
          </thead>
          <tbody>
            {vendors.map((v) => (
              <tr>
                <td class="mono nowrap">{`${v.name} (${v.vendorPlatId})`}</td>
                <td>{v.pollsTotal}</td>
                <td>{v.driftTotal}</td>
                <td>{v.pollsTotal === 0 ? "—" : `${((100 * v.driftTotal) / v.pollsTotal).toFixed(1)} %`}</td>
                <td>{when(v.lastDriftAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {vendors.length === 0 && <p class="empty">Nothing polled yet.</p>}
        <h2>Bindings the vendor no longer lists</h2>
        <p class="muted">
          Bound at the hub, missing from the vendor's users/devices for that user. Not unbound: unbind them,
          or ask the vendor.
        </p>
        <table id="drift-bindings">
          <thead>
            <tr>
              <th>Device</th>
              <th>User</th>
              <th>Platform</th>
              <th>Vendor</th>
              <th>Noticed</th>
            </tr>
          </thead>
          <tbody>
            {bindings.map((b) => (
              <tr>
                <td class="mono">
                  <a href={`/console/devices?id=${encodeURIComponent(b.deviceId)}`}>{b.deviceId}</a>
                </td>
                <td class="mono">{b.userId}</td>
                <td class="mono">{b.platId}</td>
                <td class="mono">{b.vendorPlatId}</td>
                <td>{when(b.detectedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {bindings.length === 0 && <p class="empty">None.</p>}
      </>,
    );
  });
}
