import type { SimDeviceInfo } from "../devices.ts";
import {
  type Answer,
  business,
  deviceEntries,
  deviceIds,
  type HandlerInput,
  ok,
  userIdMismatch,
} from "./answer.ts";
import { BINDING_FIELDS } from "./state.ts";

/** 7.2.1: unknown devices and devices another platform's user holds land in FailedIDs. */
export function bindDevices(input: HandlerInput): Answer {
  const mismatch = userIdMismatch(input);
  if (mismatch) return mismatch;
  const { state, user } = input;
  const failed: string[] = [];
  const reasons: string[] = [];
  for (const id of deviceIds(input.body)) {
    const refusal = state.bindRefusal(id, user);
    if (refusal === undefined) state.bind(id, user);
    else {
      failed.push(id);
      reasons.push(`${id}: ${refusal}`);
    }
  }
  const answer = ok({ FailedIDs: failed }, reasons.length === 0 ? "ok" : reasons.join("; "));
  return reasons.length === 0 ? answer : { ...answer, zh: `部分设备绑定失败：${failed.join(", ")}` };
}

/** 7.2.2: a device this user does not hold cannot be unbound. */
export function unbindDevices(input: HandlerInput): Answer {
  const mismatch = userIdMismatch(input);
  if (mismatch) return mismatch;
  const failed = deviceIds(input.body).filter((id) => !input.state.unbind(id, input.user));
  const answer = ok(
    { FailedIDs: failed },
    failed.length === 0 ? "ok" : "some devices are not bound to this user",
  );
  return failed.length === 0 ? answer : { ...answer, zh: `部分设备未绑定到该用户：${failed.join(", ")}` };
}

const notBoundZh = (id: string) => `设备 ${id} 未绑定到该用户`;

const FILTER_FIELDS = ["deviceType", "model", "manufacturer", "brand"] as const;

/** 7.2.3: the user's devices; filter entries are alternatives, the fields of one entry all apply. */
export function userDevices(input: HandlerInput): Answer {
  const mismatch = userIdMismatch(input);
  if (mismatch) return mismatch;
  const filters = deviceEntries(input.body).map((e) => e.info);
  const matches = (info: SimDeviceInfo) =>
    filters.length === 0 ||
    filters.some((f) =>
      FILTER_FIELDS.every((field) => {
        const want = f[field];
        if (want === undefined || want === null) return true;
        // deviceType "02002" selects every "02002…" model: the finer D part is the vendor's.
        return field === "deviceType" ? (info.deviceType ?? "").startsWith(want) : info[field] === want;
      }),
    );
  const devices = input.state
    .devicesOf(input.user)
    .filter((d) => matches(d.info))
    .map((d) => ({ DeviceInfo: { ...d.info, ...d.binding } }));
  return ok({ Device: devices });
}

/** 7.2.4: any registered device; per-binding fields answer null. */
export function deviceInfo(input: HandlerInput): Answer {
  const mismatch = userIdMismatch(input);
  if (mismatch) return mismatch;
  const out: { DeviceInfo: SimDeviceInfo }[] = [];
  for (const id of deviceIds(input.body)) {
    const device = input.state.devices.get(id);
    if (device === undefined) return business(`unknown device ${id}`, `设备 ${id} 不存在`);
    const info: SimDeviceInfo = { ...device.info };
    for (const field of BINDING_FIELDS) info[field] = null;
    out.push({ DeviceInfo: info });
  }
  return ok({ Device: out });
}

/** 7.2.5: new DeviceInfo values for the user's own devices (all or nothing). */
export function modifyDeviceInfo(input: HandlerInput): Answer {
  const mismatch = userIdMismatch(input);
  if (mismatch) return mismatch;
  const entries = deviceEntries(input.body);
  for (const { info } of entries) {
    const id = info.deviceID ?? "";
    if (!input.state.isBound(id, input.user))
      return business(`device ${id} is not bound to this user`, notBoundZh(id));
  }
  for (const { info } of entries) {
    const id = info.deviceID ?? "";
    const device = input.state.devices.get(id);
    const binding = input.state.bindingOf(id, input.user);
    for (const [field, value] of Object.entries(info)) {
      if (field === "deviceID" || value === undefined) continue;
      if (BINDING_FIELDS.has(field)) {
        if (binding) binding[field] = value;
      } else if (device) device.info[field] = value;
    }
  }
  return ok();
}

/** 7.2.6: DeviceAttr per device in request order, deviceID echoed (docs/design.md §3.4). */
export function deviceStatus(input: HandlerInput): Answer {
  const mismatch = userIdMismatch(input);
  if (mismatch) return mismatch;
  const out: { DeviceInfo: { deviceID: string }; DeviceAttr: Record<string, string> }[] = [];
  for (const id of deviceIds(input.body)) {
    const device = input.state.devices.get(id);
    if (device === undefined || !input.state.isBound(id, input.user)) {
      return business(`device ${id} is not bound to this user`, notBoundZh(id));
    }
    out.push({ DeviceInfo: { deviceID: id }, DeviceAttr: { ...device.attrs } });
  }
  return ok({ Device: out });
}

/**
 * 7.2.7: only the user's bound devices; every command is checked before any is applied, so a bad
 * one leaves all devices untouched. Returns the applied changes for the caller to report.
 */
export function op(input: HandlerInput): {
  answer: Answer;
  changed: { id: string; attrs: Record<string, string> }[];
} {
  const refused = (info: string, zh: string) => ({ answer: business(info, zh), changed: [] });
  const mismatch = userIdMismatch(input);
  if (mismatch) return { answer: mismatch, changed: [] };
  const changed: { id: string; attrs: Record<string, string> }[] = [];
  for (const { info, attrs } of deviceEntries(input.body)) {
    const id = info.deviceID ?? "";
    const device = input.state.devices.get(id);
    if (device === undefined || !input.state.isBound(id, input.user)) {
      return refused(`device ${id} is not bound to this user`, notBoundZh(id));
    }
    if (attrs === undefined || Object.keys(attrs).length === 0)
      return refused(`device ${id}: DeviceAttr is empty`, `设备 ${id}：DeviceAttr 为空`);
    const unknown = Object.keys(attrs).filter((k) => !(k in device.attrs));
    if (unknown.length > 0)
      return refused(
        `device ${id}: unknown attribute ${unknown.join(", ")}`,
        `设备 ${id}：不支持的属性 ${unknown.join(", ")}`,
      );
    changed.push({ id, attrs });
  }
  for (const change of changed) {
    const device = input.state.devices.get(change.id);
    if (device) Object.assign(device.attrs, change.attrs);
  }
  return { answer: ok(), changed };
}
