import { type AdapterCall, AdapterError, type DeviceCommand, type DeviceState } from "@yunlian/adapter-sdk";
import { fromNative, requireNative, toNative } from "@yunlian/adapter-sdk/mapping";
import { miotPost } from "./client.ts";
import { describeMiotCode, isOk, MiotCode } from "./codes.ts";
import { resolve, typeOf } from "./config.ts";
import type { MiotPropResult, MiotPropValue } from "./wire.ts";

const keyOf = (p: { did: string; siid: number; piid: number }) => `${p.did}/${p.siid}/${p.piid}`;

/**
 * One get_properties call for every mapped property of every device. `onLine` is not a property in
 * MIoT: a device whose properties all answer "device offline" is reported `onLine: "False"`.
 */
export async function deviceStatus(
  call: AdapterCall,
  token: string,
  udids: string[],
): Promise<DeviceState[]> {
  const r = resolve(call.platform);
  const platId = call.platform.platId;
  const plan = udids.map((udid) => {
    const did = requireNative(r.ids, udid, platId);
    return { udid, did, props: Object.entries(typeOf(r, udid).properties) };
  });
  const params = plan.flatMap(({ did, props }) =>
    props.map(([, p]) => ({ did, siid: p.siid, piid: p.piid })),
  );
  const results = await miotPost<MiotPropResult[]>(call, "/miotspec/prop/get", { params }, token);
  const answers = new Map(results.map((x) => [keyOf(x), x]));

  return plan.map(({ udid, did, props }) => {
    const attrs: Record<string, string> = {};
    let offline = props.length > 0;
    for (const [name, spec] of props) {
      const answer = answers.get(keyOf({ did, siid: spec.siid, piid: spec.piid }));
      if (answer?.code === MiotCode.DEVICE_OFFLINE) continue;
      offline = false;
      if (answer === undefined || !isOk(answer.code)) {
        const why = answer ? describeMiotCode(answer.code) : "no answer";
        throw new AdapterError("rejected", `${platId} status of ${udid}, ${name}: ${why}`);
      }
      const value = fromNative(spec, answer.value);
      if (!value.ok)
        throw new AdapterError("bad_response", `${platId} status of ${udid}, ${name}: ${value.reason}`);
      attrs[name] = value.value;
    }
    attrs.onLine = offline ? "False" : "True";
    return { deviceId: udid, attrs };
  });
}

/** Every command translated (and refused, naming the attribute) before anything is sent. */
function planCommands(call: AdapterCall, commands: DeviceCommand[]) {
  const r = resolve(call.platform);
  const owner = new Map<string, { udid: string; attr: string }>();
  const params: MiotPropValue[] = [];
  for (const { deviceId, attrs } of commands) {
    const did = requireNative(r.ids, deviceId, call.platform.platId);
    const { properties } = typeOf(r, deviceId);
    for (const [attr, raw] of Object.entries(attrs)) {
      // Own keys only: the attribute names come from the request (`constructor` is not one).
      const spec = Object.hasOwn(properties, attr) ? properties[attr] : undefined;
      if (spec === undefined)
        throw new AdapterError("invalid", `${deviceId}: attribute ${attr} is not mapped`);
      const value = toNative(spec, raw);
      if (!value.ok) throw new AdapterError("invalid", `${deviceId}: attribute ${attr}: ${value.reason}`);
      const param = { did, siid: spec.siid, piid: spec.piid, value: value.value };
      params.push(param);
      owner.set(keyOf(param), { udid: deviceId, attr });
    }
  }
  return { params, owner };
}

/** set_properties answers per property; one failed property fails its device's op, with the reason. */
export async function op(call: AdapterCall, token: string, commands: DeviceCommand[]): Promise<void> {
  const { params, owner } = planCommands(call, commands);
  if (params.length === 0) return;
  const results = await miotPost<MiotPropResult[]>(call, "/miotspec/prop/set", { params }, token);
  const answered = new Map(results.map((x) => [keyOf(x), x.code]));
  const failures: string[] = [];
  for (const [key, { udid, attr }] of owner) {
    const code = answered.get(key);
    if (code === undefined) failures.push(`${udid} ${attr}: no answer`);
    else if (!isOk(code)) failures.push(`${udid} ${attr}: ${describeMiotCode(code)}`);
  }
  if (failures.length > 0)
    throw new AdapterError("rejected", `${call.platform.platId} op: ${failures.join("; ")}`);
}
