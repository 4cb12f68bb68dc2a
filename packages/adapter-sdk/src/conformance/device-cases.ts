import { expect } from "vitest";
import { AdapterError } from "../errors.ts";
import type { Adapter } from "../types.ts";
import { type CaseFn, type ConformanceEnv, withStore } from "./env.ts";

const defaultCommand = (): Record<string, string> => ({ onOffStatus: "True" });

/** The happy paths and business refusals every adapter must get right. */
export function registerDeviceCases(
  adapter: Adapter,
  getEnv: () => ConformanceEnv,
  timeout: number,
  test: CaseFn,
): void {
  const ids = () => {
    const [a, b, c] = getEnv().deviceIds;
    if (!a || !b || !c) throw new Error("conformance env needs at least three device ids");
    return { a, b, unbound: c };
  };

  test("login returns a vendor session", { timeout }, async () => {
    const { call } = withStore(getEnv());
    const session = await adapter.login(call);
    expect(session.vendorUserId).toEqual(expect.any(String));
    expect(session.vendorUserId.length).toBeGreaterThan(0);
    expect(session.accessToken.length).toBeGreaterThan(0);
  });

  test("bind and unbind report unknown devices in failedIds", { timeout }, async () => {
    const env = getEnv();
    const { call } = withStore(env);
    const { a } = ids();
    const bound = await adapter.bind(call, [a, env.unknownDeviceId]);
    expect(bound.failedIds).toEqual([env.unknownDeviceId]);
    const unbound = await adapter.unbind(call, [a, env.unknownDeviceId]);
    expect(unbound.failedIds).toContain(env.unknownDeviceId);
    expect(unbound.failedIds).not.toContain(a);
  });

  test("listDevices shows the bound devices", { timeout }, async () => {
    const { call } = withStore(getEnv());
    const { a, b } = ids();
    expect((await adapter.bind(call, [a, b])).failedIds).toEqual([]);
    const listed = (await adapter.listDevices(call)).map((d) => d.deviceID);
    expect(listed).toEqual(expect.arrayContaining([a, b]));
    await adapter.unbind(call, [a, b]);
    expect((await adapter.listDevices(call)).map((d) => d.deviceID)).not.toContain(a);
  });

  test("deviceInfo answers the device, modifyDeviceInfo changes it", { timeout }, async () => {
    const env = getEnv();
    const { call } = withStore(env);
    const { a } = ids();
    await adapter.bind(call, [a]);
    const [info] = await adapter.deviceInfo(call, [a]);
    expect(info?.deviceID).toBe(a);
    const change = env.modification?.(a) ?? { deviceID: a, model: `CONF-${Date.now().toString(36)}` };
    await adapter.modifyDeviceInfo(call, [change]);
    const [after] = await adapter.deviceInfo(call, [a]);
    expect(after).toMatchObject(change);
  });

  test("deviceStatus answers in request order", { timeout }, async () => {
    const { call } = withStore(getEnv());
    const { a, b } = ids();
    await adapter.bind(call, [a, b]);
    const forward = await adapter.deviceStatus(call, [a, b]);
    const backward = await adapter.deviceStatus(call, [b, a]);
    expect(forward.map((s) => s.deviceId)).toEqual([a, b]);
    expect(backward.map((s) => s.deviceId)).toEqual([b, a]);
    expect(backward[1]?.attrs).toEqual(forward[0]?.attrs);
  });

  test("op changes the state deviceStatus shows", { timeout }, async () => {
    const env = getEnv();
    const { call } = withStore(env);
    const { a } = ids();
    await adapter.bind(call, [a]);
    const command = env.command?.(a) ?? defaultCommand();
    await adapter.op(call, [{ deviceId: a, attrs: command }]);
    const [state] = await adapter.deviceStatus(call, [a]);
    expect(state?.attrs).toMatchObject(command);
  });

  test("op on a device not bound to the user is refused", { timeout }, async () => {
    const env = getEnv();
    const { call } = withStore(env);
    const { unbound } = ids();
    const command = env.command?.(unbound) ?? defaultCommand();
    const error = await adapter.op(call, [{ deviceId: unbound, attrs: command }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).kind).toBe("rejected");
  });

  test("parseReport normalises a report the simulator pushed", { timeout }, async () => {
    const env = getEnv();
    const { a } = ids();
    const command = env.command?.(a) ?? defaultCommand();
    const body = await env.nativeReport(a, command);
    const reports = adapter.parseReport(env.platform, body);
    expect(reports.length).toBeGreaterThan(0);
    const reported = env.reportedDeviceId?.(a) ?? a;
    const report = reports.find((r) => (r.vendorDeviceId ?? r.udeviceId) === reported);
    expect(report?.dataType).toBe("attr");
    expect(report?.deviceStatus).toMatchObject(command);
    expect(report?.timestamp).toMatch(/^\d+$/);
    expect(() => adapter.parseReport(env.platform, { nonsense: true })).toThrow(AdapterError);
  });
}
