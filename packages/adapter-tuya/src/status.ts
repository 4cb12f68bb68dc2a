import { type AdapterCall, AdapterError, type DeviceCommand, type DeviceState } from "@yunlian/adapter-sdk";
import { fromNative, type NativeValue, toNative } from "@yunlian/adapter-sdk/mapping";
import { resolve, typeOf } from "./config.ts";
import { ownedDevices } from "./devices.ts";
import { withToken } from "./session.ts";
import type { TuyaStatus } from "./wire.ts";

/** Data points → standard attributes; DPs the mapping does not name are dropped. */
function statusToAttrs(
  platId: string,
  udid: string,
  dataPoints: Record<string, { code: string } & Parameters<typeof fromNative>[0]>,
  status: TuyaStatus[],
) {
  const attrs: Record<string, string> = {};
  for (const [name, dp] of Object.entries(dataPoints)) {
    const entry = status.find((s) => s.code === dp.code);
    if (entry === undefined) continue;
    const value = fromNative(dp, entry.value);
    if (!value.ok) throw new AdapterError("bad_response", `${platId} ${udid}, ${name}: ${value.reason}`);
    attrs[name] = value.value;
  }
  return attrs;
}

/** Ownership and `online` from the user's device list, data points from GET …/status per device. */
export async function deviceStatus(call: AdapterCall, uid: string, udids: string[]): Promise<DeviceState[]> {
  const r = resolve(call.platform);
  const devices = await ownedDevices(call, uid, udids);
  return Promise.all(
    devices.map(async (device, i) => {
      const udid = udids[i] ?? "";
      const status = await withToken<TuyaStatus[]>(call, {
        method: "GET",
        path: `/v1.0/devices/${device.id}/status`,
      });
      const attrs = statusToAttrs(call.platform.platId, udid, typeOf(r, udid).dataPoints, status);
      return { deviceId: udid, attrs: { ...attrs, onLine: device.online ? "True" : "False" } };
    }),
  );
}

/** Every command translated (refused naming the attribute) before anything is sent. */
function toCommands(call: AdapterCall, command: DeviceCommand): { code: string; value: NativeValue }[] {
  const { dataPoints } = typeOf(resolve(call.platform), command.deviceId);
  return Object.entries(command.attrs).map(([attr, raw]) => {
    // Own keys only: the attribute names come from the request (`constructor` is not one).
    const dp = Object.hasOwn(dataPoints, attr) ? dataPoints[attr] : undefined;
    if (dp === undefined)
      throw new AdapterError("invalid", `${command.deviceId}: attribute ${attr} is not mapped`);
    const value = toNative(dp, raw);
    if (!value.ok)
      throw new AdapterError("invalid", `${command.deviceId}: attribute ${attr}: ${value.reason}`);
    return { code: dp.code, value: value.value };
  });
}

export async function op(call: AdapterCall, uid: string, commands: DeviceCommand[]): Promise<void> {
  const translated = commands.map((c) => toCommands(call, c));
  const devices = await ownedDevices(
    call,
    uid,
    commands.map((c) => c.deviceId),
  );
  const send = (id: string, i: number) =>
    withToken(call, {
      method: "POST",
      path: `/v1.0/devices/${id}/commands`,
      body: { commands: translated[i] },
    });
  await Promise.all(
    devices.map((device, i) =>
      send(device.id, i).catch((err: unknown) => {
        // The cloud names its own device id; the hub's caller knows the UDeviceID.
        if (err instanceof AdapterError && err.kind === "rejected") {
          throw new AdapterError("rejected", `${commands[i]?.deviceId}: ${err.message}`);
        }
        throw err;
      }),
    ),
  );
}
