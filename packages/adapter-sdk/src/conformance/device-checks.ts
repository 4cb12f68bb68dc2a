import { adapterErrorOf, ensure, equal, hasFields, includesAll } from "./assert.ts";
import type { ConformanceCheck } from "./check.ts";
import { type ConformanceEnv, withStore } from "./env.ts";

const defaultCommand = (): Record<string, string> => ({ onOffStatus: "True" });

function ids(env: ConformanceEnv) {
  const [a, b, c] = env.deviceIds;
  if (!a || !b || !c) throw new Error("conformance env needs at least three device ids");
  return { a, b, unbound: c };
}

/** The happy paths and business refusals every adapter must get right. */
export const deviceChecks: ConformanceCheck[] = [
  {
    name: "login returns a vendor session",
    async run(adapter, env) {
      const { call } = withStore(env);
      const session = await adapter.login(call);
      ensure(
        typeof session.vendorUserId === "string" && session.vendorUserId.length > 0,
        `login: vendorUserId must be a non-empty string, got ${JSON.stringify(session.vendorUserId)}`,
      );
      ensure(
        typeof session.accessToken === "string" && session.accessToken.length > 0,
        "login: accessToken must be a non-empty string",
      );
    },
  },
  {
    name: "bind and unbind report unknown devices in failedIds",
    async run(adapter, env) {
      const { call } = withStore(env);
      const { a } = ids(env);
      const bound = await adapter.bind(call, [a, env.unknownDeviceId]);
      equal(bound.failedIds, [env.unknownDeviceId], "bind failedIds");
      const unbound = await adapter.unbind(call, [a, env.unknownDeviceId]);
      includesAll(unbound.failedIds, [env.unknownDeviceId], "unbind failedIds");
      ensure(!unbound.failedIds.includes(a), `unbind failedIds: ${a} was bound, it must not fail`);
    },
  },
  {
    name: "listDevices shows the bound devices",
    async run(adapter, env) {
      const { call } = withStore(env);
      const { a, b } = ids(env);
      equal((await adapter.bind(call, [a, b])).failedIds, [], "bind failedIds");
      const listed = (await adapter.listDevices(call)).map((d) => d.deviceID);
      includesAll(listed, [a, b], "listDevices after bind");
      await adapter.unbind(call, [a, b]);
      const after = (await adapter.listDevices(call)).map((d) => d.deviceID);
      ensure(!after.includes(a), `listDevices after unbind still shows ${a}`);
    },
  },
  {
    name: "deviceInfo answers the device, modifyDeviceInfo changes it",
    async run(adapter, env) {
      const { call } = withStore(env);
      const { a } = ids(env);
      await adapter.bind(call, [a]);
      const [info] = await adapter.deviceInfo(call, [a]);
      equal(info?.deviceID, a, "deviceInfo deviceID");
      const change = env.modification?.(a) ?? { deviceID: a, model: `CONF-${Date.now().toString(36)}` };
      await adapter.modifyDeviceInfo(call, [change]);
      const [after] = await adapter.deviceInfo(call, [a]);
      hasFields(after, { ...change }, "deviceInfo after modifyDeviceInfo");
    },
  },
  {
    name: "deviceStatus answers in request order",
    async run(adapter, env) {
      const { call } = withStore(env);
      const { a, b } = ids(env);
      await adapter.bind(call, [a, b]);
      const forward = await adapter.deviceStatus(call, [a, b]);
      const backward = await adapter.deviceStatus(call, [b, a]);
      equal(
        forward.map((s) => s.deviceId),
        [a, b],
        "deviceStatus order",
      );
      equal(
        backward.map((s) => s.deviceId),
        [b, a],
        "deviceStatus order (reversed request)",
      );
      equal(backward[1]?.attrs, forward[0]?.attrs, `deviceStatus of ${a} in either order`);
    },
  },
  {
    name: "op changes the state deviceStatus shows",
    async run(adapter, env) {
      const { call } = withStore(env);
      const { a } = ids(env);
      await adapter.bind(call, [a]);
      const command = env.command?.(a) ?? defaultCommand();
      await adapter.op(call, [{ deviceId: a, attrs: command }]);
      const [state] = await adapter.deviceStatus(call, [a]);
      hasFields(state?.attrs, command, "deviceStatus after op");
    },
  },
  {
    name: "op on a device not bound to the user is refused",
    async run(adapter, env) {
      const { call } = withStore(env);
      const { unbound } = ids(env);
      const command = env.command?.(unbound) ?? defaultCommand();
      await adapterErrorOf(
        adapter.op(call, [{ deviceId: unbound, attrs: command }]),
        "op on an unbound device",
        "rejected",
      );
    },
  },
  {
    name: "parseReport normalises a report the simulator pushed",
    needs: ["nativeReport"],
    async run(adapter, env) {
      const { a } = ids(env);
      const command = env.command?.(a) ?? defaultCommand();
      const body = await env.nativeReport?.(a, command);
      const reports = adapter.parseReport(env.platform, body);
      ensure(reports.length > 0, "parseReport: no report from the pushed body");
      const reported = env.reportedDeviceId?.(a) ?? a;
      const report = reports.find((r) => (r.vendorDeviceId ?? r.udeviceId) === reported);
      ensure(report, `parseReport: no report for ${reported} in ${JSON.stringify(reports)}`);
      equal(report.dataType, "attr", "report dataType");
      hasFields(report.deviceStatus, command, "report deviceStatus");
      ensure(
        /^\d+$/.test(report.timestamp),
        `report timestamp must be epoch ms digits, got ${report.timestamp}`,
      );
      const parseNonsense = async () => adapter.parseReport(env.platform, { nonsense: true });
      await adapterErrorOf(parseNonsense(), "parseReport of { nonsense: true }");
    },
  },
];
