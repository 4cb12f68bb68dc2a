import { parseUDeviceId } from "@yunlian/protocol";
import type { Hono } from "hono";
import type { Child } from "hono/jsx";
import { DEVICE_PREFIX, type DeviceListRow, listDevices } from "../../services/devices/device-list.ts";
import { deviceView } from "../../services/devices/device-view.ts";
import { attempt, type ConsoleDeps, type ConsoleEnv } from "../console-env.ts";
import { Badge, Layout, when } from "../layout.tsx";

type Device = Awaited<ReturnType<typeof deviceView>>;

function Lookup(props: { id: string }) {
  return (
    <form method="get" action="/console/devices" class="inline panel">
      <label>
        UDeviceID
        <input
          type="text"
          name="id"
          value={props.id}
          size={48}
          placeholder="0000060102002001C89346112DD5"
          required
        />
      </label>
      <button type="submit">Decode</button>
    </form>
  );
}

/** Search the known devices by UDeviceID prefix and platform (issue 18). */
function Search(props: { prefix: string; platId: string; platforms: string[] }) {
  return (
    <form method="get" action="/console/devices" class="inline panel" id="device-search">
      <label>
        UDeviceID starts with
        <input type="text" name="q" value={props.prefix} size={30} placeholder="000006" />
      </label>
      <label>
        Platform
        <select name="platId">
          <option value="">every platform</option>
          {props.platforms.map((p) => (
            <option value={p} selected={p === props.platId}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="secondary">
        Search
      </button>
    </form>
  );
}

const LIST_LIMIT = 100;

function DeviceList(props: { rows: DeviceListRow[] }) {
  return (
    <>
      <table id="device-list">
        <thead>
          <tr>
            <th>UDeviceID</th>
            <th>Vendor</th>
            <th>Online</th>
            <th>Last report</th>
            <th class="num">Subscribed platforms</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td class="mono">
                <a href={`/console/devices?id=${encodeURIComponent(r.udeviceId)}`}>{r.udeviceId}</a>
              </td>
              <td class="mono">{r.vendorPlatId}</td>
              <td>{r.online === null ? "unknown" : <Badge value={r.online ? "online" : "offline"} />}</td>
              <td class="muted">{when(r.lastReportAt)}</td>
              <td class="num">{r.subscribers}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.rows.length === 0 && <p class="empty">No device matches.</p>}
      {props.rows.length === LIST_LIMIT && (
        <p class="muted">{`The first ${LIST_LIMIT} in UDeviceID order: narrow the search to see others.`}</p>
      )}
    </>
  );
}

function Parts(props: { d: Device }) {
  const { decoded } = props.d;
  const rows: [string, string, string, string][] = [
    [
      "Manufacturer code",
      decoded.manufacturerCode,
      "",
      props.d.owner ? `${props.d.owner.name} (${props.d.owner.platId})` : "no registered vendor",
    ],
    ["A: appliance class", decoded.applianceClass.code, decoded.applianceClass.zh, decoded.applianceClass.en],
    ["B: category", decoded.category.code, decoded.category.zh, decoded.category.en],
    ["C: sub-category", decoded.subCategory.code, decoded.subCategory.zh, decoded.subCategory.en],
    [
      "D + E: vendor part",
      decoded.vendorPart,
      "",
      "the vendor's model class and serial, passed through unsplit",
    ],
  ];
  return (
    <table class="parts" id="udid-parts">
      <thead>
        <tr>
          <th>Code</th>
          <th>Part</th>
          <th>名称</th>
          <th>Meaning</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([part, code, zh, en]) => (
          <tr>
            <td>{code}</td>
            <td>{part}</td>
            <td>{zh}</td>
            <td>{en}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DeviceDetail(props: { d: Device }) {
  const { d } = props;
  return (
    <>
      <h2>Decoded</h2>
      <Parts d={d} />
      <div class="row">
        <div class="panel">
          <h2>Shadow</h2>
          {d.shadow ? (
            <table class="kv">
              <tr>
                <th>Online</th>
                <td>
                  {d.shadow.online === null ? (
                    "unknown"
                  ) : (
                    <Badge value={d.shadow.online ? "online" : "offline"} />
                  )}
                </td>
              </tr>
              {Object.entries(d.shadow.attrs).map(([k, v]) => (
                <tr>
                  <th class="mono">{k}</th>
                  <td class="mono">{String(v)}</td>
                </tr>
              ))}
              <tr>
                <th>Last alarm</th>
                <td class="mono">
                  {d.shadow.lastAlarm
                    ? `${JSON.stringify(d.shadow.lastAlarm)} at ${when(d.shadow.lastAlarmAt)}`
                    : "—"}
                </td>
              </tr>
              <tr>
                <th>Last report</th>
                <td>{when(d.shadow.lastReportAt)}</td>
              </tr>
            </table>
          ) : (
            <p class="empty">No report received yet.</p>
          )}
        </div>
        <div class="panel">
          <h2>Subscribers</h2>
          <p class="muted">Platforms with a user bound to this device: they receive its status reports.</p>
          <table>
            <thead>
              <tr>
                <th>Platform</th>
                <th>dataGateway URL</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.subscribers.map((s) => (
                <tr>
                  <td class="mono nowrap">{s.platId}</td>
                  <td class="mono">{s.dataGatewayUrl ?? "—"}</td>
                  <td>{s.disabled ? <Badge value="failing" /> : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {d.subscribers.length === 0 && <p class="empty">Nobody is subscribed.</p>}
        </div>
      </div>
      <h2>Latest reports</h2>
      <table>
        <thead>
          <tr>
            <th>Received</th>
            <th>Type</th>
            <th>Status</th>
            <th>Device time</th>
          </tr>
        </thead>
        <tbody>
          {d.reports.map((r) => (
            <tr>
              <td>{when(r.receivedAt)}</td>
              <td>
                <code>{r.dataType}</code>
              </td>
              <td class="mono wrap">{JSON.stringify(r.deviceStatus)}</td>
              <td class="muted">{when(r.reportedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {d.reports.length === 0 && <p class="empty">No report.</p>}
    </>
  );
}

export function registerDevicePage(ui: Hono<ConsoleEnv>, deps: ConsoleDeps) {
  ui.get("/devices", async (c) => {
    const id = (c.req.query("id") ?? "").trim();
    const frame = (body: Child, error?: string) =>
      c.html(
        <Layout
          title="Devices"
          section="devices"
          csrf={c.var.csrf}
          flash={error ? { kind: "error", text: error } : undefined}
        >
          <Lookup id={id} />
          {body}
        </Layout>,
        error ? 400 : 200,
      );
    if (id === "") {
      const prefix = (c.req.query("q") ?? "").trim();
      const platId = (c.req.query("platId") ?? "").trim();
      const platforms = deps.devices.registry
        .all()
        .map((p) => p.platId)
        .sort();
      const search = <Search prefix={prefix} platId={platId} platforms={platforms} />;
      if (!DEVICE_PREFIX.test(prefix)) return frame(search, "UDeviceID starts with: letters and digits only");
      const rows = await listDevices(deps.devices.db, {
        prefix,
        platId: platId || undefined,
        limit: LIST_LIMIT,
      });
      return frame(
        <>
          {search}
          <DeviceList rows={rows} />
        </>,
      );
    }
    const decoded = parseUDeviceId(id);
    if (!decoded.ok) return frame(null, `Not a UDeviceID: ${decoded.error.part}: ${decoded.error.reason}`);
    const res = await attempt(() => deviceView(deps.devices, id, 20));
    if (!res.ok) return frame(null, res.text);
    return frame(<DeviceDetail d={res.value} />);
  });
}
