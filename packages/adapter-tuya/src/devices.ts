import { type AdapterCall, AdapterError, type BindResult } from "@yunlian/adapter-sdk";
import { requireNative } from "@yunlian/adapter-sdk/mapping";
import type { DeviceInfo } from "@yunlian/protocol";
import { type Resolved, resolve } from "./config.ts";
import { withToken } from "./session.ts";
import type { TuyaDevice } from "./wire.ts";

/**
 * Device ownership at the cloud: the simulator authorises a device to a project user with
 * POST /v1.0/users/{uid}/devices/{id} and withdraws it with DELETE (Tuya pairs devices in its app;
 * a cloud-to-cloud hub needs an explicit grant). One call per device, in parallel.
 */
export async function changeBinding(
  call: AdapterCall,
  uid: string,
  udids: string[],
  bind: boolean,
): Promise<BindResult> {
  const { ids } = resolve(call.platform);
  const reasons = await Promise.all(
    udids.map(async (udid) => {
      const id = ids.nativeOf(udid);
      if (id === undefined) return "not a device of this vendor";
      try {
        await withToken(call, { method: bind ? "POST" : "DELETE", path: `/v1.0/users/${uid}/devices/${id}` });
        return undefined;
      } catch (err) {
        // Only the cloud's refusal is per device; a dead or confused cloud fails the whole call.
        if (err instanceof AdapterError && err.kind === "rejected") return err.message;
        throw err;
      }
    }),
  );
  const failedIds = udids.filter((_, i) => reasons[i] !== undefined);
  if (failedIds.length === 0) return { failedIds };
  return {
    failedIds,
    info: udids.flatMap((id, i) => (reasons[i] ? [`${id}: ${reasons[i]}`] : [])).join("; "),
  };
}

function toDeviceInfo(r: Resolved, device: TuyaDevice): DeviceInfo | undefined {
  const deviceID = r.ids.udidOf(device.id, r.typeOfProduct.get(device.product_id));
  if (deviceID === undefined) return undefined;
  const typeKey = deviceID.slice(8, 13);
  return {
    deviceID,
    deviceIDType: "UDeviceID",
    deviceType: r.config.deviceTypes[typeKey]?.deviceType ?? typeKey,
    model: device.product_name ?? device.product_id,
    manufacturer: r.config.manufacturer ?? null,
    brand: r.config.brand ?? null,
    // A vendor extension of DeviceInfo (the standard allows them): the device's name.
    name: device.name,
  };
}

const userDevices = (call: AdapterCall, uid: string) =>
  withToken<TuyaDevice[]>(call, { method: "GET", path: `/v1.0/users/${uid}/devices` });

const FILTER_KEYS = ["deviceType", "model", "manufacturer", "brand"] as const;

export async function listDevices(
  call: AdapterCall,
  uid: string,
  filter?: Partial<DeviceInfo>,
): Promise<DeviceInfo[]> {
  const r = resolve(call.platform);
  const infos = (await userDevices(call, uid)).map((d) => toDeviceInfo(r, d)).filter((d) => d !== undefined);
  return infos.filter((info) =>
    FILTER_KEYS.every((k) => {
      const wanted = filter?.[k];
      if (wanted === undefined || wanted === null || wanted === "") return true;
      // deviceType filters may be shorter legacy codes: a prefix match keeps them useful.
      return k === "deviceType" ? String(info[k] ?? "").startsWith(wanted) : info[k] === wanted;
    }),
  );
}

/** The user's devices by UDeviceID; a device not bound to the user is refused, naming it. */
export async function ownedDevices(call: AdapterCall, uid: string, udids: string[]): Promise<TuyaDevice[]> {
  const r = resolve(call.platform);
  const owned = new Map((await userDevices(call, uid)).map((d) => [d.id, d]));
  return udids.map((udid) => {
    const device = owned.get(requireNative(r.ids, udid, call.platform.platId));
    if (device === undefined)
      throw new AdapterError("rejected", `${call.platform.platId}: ${udid} is not bound to this user`);
    return device;
  });
}

export async function deviceInfo(call: AdapterCall, uid: string, udids: string[]): Promise<DeviceInfo[]> {
  const r = resolve(call.platform);
  const devices = await ownedDevices(call, uid, udids);
  return devices.map((d, i) => toDeviceInfo(r, d) ?? { deviceID: udids[i] });
}

/** A Tuya device has one user-editable field, its name (PUT /v1.0/devices/{id}). */
export async function modifyDeviceInfo(call: AdapterCall, uid: string, devices: DeviceInfo[]): Promise<void> {
  const owned = await ownedDevices(
    call,
    uid,
    devices.map((d) => d.deviceID ?? ""),
  );
  for (const [i, device] of devices.entries()) {
    const fixed = FILTER_KEYS.filter((k) => device[k] !== undefined && device[k] !== null);
    if (fixed.length > 0) {
      throw new AdapterError(
        "rejected",
        `${device.deviceID}: ${fixed.join(", ")} cannot be changed on a Tuya device; only name`,
      );
    }
    const name = (device as { name?: unknown }).name;
    const id = owned[i]?.id;
    if (typeof name !== "string" || name.length === 0 || id === undefined) continue;
    await withToken(call, { method: "PUT", path: `/v1.0/devices/${id}`, body: { name } });
  }
}
