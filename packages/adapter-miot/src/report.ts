import { AdapterError, type NormalisedReport, type VendorPlatform } from "@yunlian/adapter-sdk";
import { fromNative } from "@yunlian/adapter-sdk/mapping";
import { z } from "zod";
import { resolve } from "./config.ts";

const pushSchema = z.object({
  method: z.enum(["properties_changed", "device_online", "device_offline"]),
  did: z.string().min(1),
  model: z.string().optional(),
  time: z.number().optional(),
  params: z.array(z.object({ siid: z.int(), piid: z.int(), value: z.unknown() })).default([]),
});

/**
 * A MIoT push → one normalised report. Properties the mapping does not cover are dropped (a device
 * reports more than the standard names); a mapped property whose value has no label fails the report.
 */
export function parseMiotReport(platform: VendorPlatform, body: unknown): NormalisedReport[] {
  let input = body;
  if (typeof body === "string") {
    try {
      input = JSON.parse(body) as unknown;
    } catch {
      throw new AdapterError("invalid", `${platform.platId} report: not JSON`);
    }
  }
  const parsed = pushSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AdapterError(
      "invalid",
      `${platform.platId} report: ${issue?.path.join(".") || "body"} ${issue?.message}`,
    );
  }
  const push = parsed.data;
  const r = resolve(platform);
  const typeKey = push.model === undefined ? undefined : r.typeOfModel.get(push.model);
  const udid = r.ids.udidOf(push.did, typeKey);
  if (udid === undefined)
    throw new AdapterError("invalid", `${platform.platId} report: device ${push.did} has no UDeviceID`);
  const timestamp = String(push.time ?? Date.now());
  if (push.method !== "properties_changed") {
    const onLine = push.method === "device_online" ? "True" : "False";
    return [{ udeviceId: udid, dataType: "onOffline", deviceStatus: { onLine }, timestamp }];
  }
  const properties = r.config.deviceTypes[udid.slice(8, 13)]?.properties ?? {};
  const deviceStatus: Record<string, string> = {};
  for (const change of push.params) {
    const mapped = Object.entries(properties).find(
      ([, p]) => p.siid === change.siid && p.piid === change.piid,
    );
    if (mapped === undefined) continue;
    const [name, spec] = mapped;
    const value = fromNative(spec, change.value);
    if (!value.ok)
      throw new AdapterError("invalid", `${platform.platId} report ${udid}, ${name}: ${value.reason}`);
    deviceStatus[name] = value.value;
  }
  return [{ udeviceId: udid, dataType: "attr", deviceStatus, timestamp }];
}
