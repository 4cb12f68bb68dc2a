import { type AdapterCall, AdapterError, type BindResult } from "@yunlian/adapter-sdk";
import type { DeviceInfo } from "@yunlian/protocol";
import { miotPost } from "./client.ts";
import { describeMiotCode } from "./codes.ts";
import { type Resolved, resolve } from "./config.ts";
import type { MiotDevice, MiotDeviceResult } from "./wire.ts";

/** bind / unbind: per-device codes become FailedIDs, with the reasons joined for RetInfo. */
export async function changeBinding(
  call: AdapterCall,
  token: string,
  path: "/device/bind" | "/device/unbind",
  udids: string[],
): Promise<BindResult> {
  const { ids } = resolve(call.platform);
  const failed = new Map<string, string>();
  const byDid = new Map<string, string>();
  for (const udid of udids) {
    const did = ids.nativeOf(udid);
    if (did === undefined) failed.set(udid, "not a device of this vendor");
    else byDid.set(did, udid);
  }
  if (byDid.size > 0) {
    const results = await miotPost<MiotDeviceResult[]>(call, path, { dids: [...byDid.keys()] }, token);
    const answered = new Map(results.map((r) => [r.did, r.code]));
    for (const [did, udid] of byDid) {
      const code = answered.get(did);
      if (code === undefined) failed.set(udid, "no answer for this device");
      else if (code !== 0) failed.set(udid, describeMiotCode(code));
    }
  }
  const failedIds = udids.filter((id) => failed.has(id));
  if (failedIds.length === 0) return { failedIds };
  return { failedIds, info: failedIds.map((id) => `${id}: ${failed.get(id)}`).join("; ") };
}

/** A native device as the standard's DeviceInfo; undefined when its model has no mapping. */
function toDeviceInfo(
  r: Resolved,
  device: Pick<MiotDevice, "did" | "model" | "name">,
): DeviceInfo | undefined {
  const typeKey = r.typeOfModel.get(device.model);
  const deviceID = r.ids.udidOf(device.did, typeKey);
  if (deviceID === undefined) return undefined;
  const type = r.config.deviceTypes[deviceID.slice(8, 13)];
  return {
    deviceID,
    deviceIDType: "UDeviceID",
    deviceType: type?.deviceType ?? deviceID.slice(8, 13),
    model: device.model,
    manufacturer: r.config.manufacturer ?? null,
    brand: r.config.brand ?? null,
    // A vendor extension of DeviceInfo (the standard lets vendors add fields): the device's name.
    name: device.name,
  };
}

const FILTER_KEYS = ["deviceType", "model", "manufacturer", "brand"] as const;

export async function listDevices(
  call: AdapterCall,
  token: string,
  filter?: Partial<DeviceInfo>,
): Promise<DeviceInfo[]> {
  const r = resolve(call.platform);
  const answer = await miotPost<{ list: MiotDevice[] }>(call, "/device/list", {}, token);
  const infos = answer.list.map((d) => toDeviceInfo(r, d)).filter((d) => d !== undefined);
  return infos.filter((info) =>
    FILTER_KEYS.every((k) => {
      const wanted = filter?.[k];
      // deviceType filters may be shorter legacy codes: a prefix match keeps them useful.
      if (wanted === undefined || wanted === null || wanted === "") return true;
      return k === "deviceType" ? String(info[k] ?? "").startsWith(wanted) : info[k] === wanted;
    }),
  );
}

export async function deviceInfo(call: AdapterCall, token: string, udids: string[]): Promise<DeviceInfo[]> {
  const r = resolve(call.platform);
  const dids = udids.map((udid) => {
    const did = r.ids.nativeOf(udid);
    if (did === undefined) throw new AdapterError("invalid", `${udid} is not a device of this vendor`);
    return did;
  });
  const results = await miotPost<MiotDeviceResult[]>(call, "/device/info", { dids }, token);
  // Looked up by did, not searched per device (quadratic in a large request, issue 14).
  const byDid = new Map(results.map((x) => [x.did, x]));
  return udids.map((udid, i) => {
    const result = byDid.get(dids[i] ?? "");
    if (result === undefined || result.code !== 0 || result.model === undefined) {
      const why = result ? describeMiotCode(result.code) : "no answer for this device";
      throw new AdapterError("rejected", `${call.platform.platId} device info ${udid}: ${why}`);
    }
    return (
      toDeviceInfo(r, { did: result.did, model: result.model, name: result.name ?? "" }) ?? { deviceID: udid }
    );
  });
}

/** MIoT devices carry one user-editable field, their name; the rest is fixed by the product. */
export async function modifyDeviceInfo(
  call: AdapterCall,
  token: string,
  devices: DeviceInfo[],
): Promise<void> {
  const { ids } = resolve(call.platform);
  for (const device of devices) {
    const udid = device.deviceID ?? "";
    const did = ids.nativeOf(udid);
    if (did === undefined) throw new AdapterError("invalid", `${udid} is not a device of this vendor`);
    const fixed = FILTER_KEYS.filter((k) => device[k] !== undefined && device[k] !== null);
    if (fixed.length > 0) {
      throw new AdapterError(
        "rejected",
        `${udid}: ${fixed.join(", ")} cannot be changed on a MIoT device; only name`,
      );
    }
    const name = (device as { name?: unknown }).name;
    if (typeof name !== "string" || name.length === 0) continue;
    await miotPost(call, "/device/rename", { did, name }, token);
  }
}
