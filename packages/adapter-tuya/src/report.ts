import { AdapterError, type NormalisedReport, type VendorPlatform } from "@yunlian/adapter-sdk";
import { fromNative } from "@yunlian/adapter-sdk/mapping";
import { z } from "zod";
import { resolve } from "./config.ts";

const statusPush = z.object({
  devId: z.string().min(1),
  productKey: z.string().optional(),
  status: z.array(z.object({ code: z.string(), value: z.unknown(), t: z.number().optional() })).min(1),
});
const bizPush = z.object({
  bizCode: z.enum(["online", "offline"]),
  devId: z.string().min(1),
  productKey: z.string().optional(),
  bizData: z.object({ time: z.number().optional() }).default({}),
});

function read(platform: VendorPlatform, body: unknown): unknown {
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new AdapterError("invalid", `${platform.platId} report: not JSON`);
  }
}

/**
 * A Tuya message-service body (decrypted) → one normalised report: a status message becomes "attr"
 * with the mapped data points (unmapped ones dropped), an online/offline message "onOffline".
 */
export function parseTuyaReport(platform: VendorPlatform, body: unknown): NormalisedReport[] {
  const input = read(platform, body);
  const status = statusPush.safeParse(input);
  const biz = status.success ? undefined : bizPush.safeParse(input);
  if (!status.success && !biz?.success) {
    throw new AdapterError(
      "invalid",
      `${platform.platId} report: neither a status nor an online/offline message`,
    );
  }
  const push = status.success ? status.data : (biz?.data as z.infer<typeof bizPush>);
  const r = resolve(platform);
  const typeKey = push.productKey === undefined ? undefined : r.typeOfProduct.get(push.productKey);
  const udid = r.ids.udidOf(push.devId, typeKey);
  if (udid === undefined)
    throw new AdapterError("invalid", `${platform.platId} report: device ${push.devId} has no UDeviceID`);

  if ("bizCode" in push) {
    const timestamp = String(push.bizData.time ?? Date.now());
    return [
      {
        udeviceId: udid,
        dataType: "onOffline",
        deviceStatus: { onLine: push.bizCode === "online" ? "True" : "False" },
        timestamp,
      },
    ];
  }
  const dataPoints = r.config.deviceTypes[udid.slice(8, 13)]?.dataPoints ?? {};
  const deviceStatus: Record<string, string> = {};
  let latest = 0;
  for (const dp of push.status) {
    latest = Math.max(latest, dp.t ?? 0);
    const mapped = Object.entries(dataPoints).find(([, spec]) => spec.code === dp.code);
    if (mapped === undefined) continue;
    const value = fromNative(mapped[1], dp.value);
    if (!value.ok)
      throw new AdapterError("invalid", `${platform.platId} report ${udid}, ${mapped[0]}: ${value.reason}`);
    deviceStatus[mapped[0]] = value.value;
  }
  return [{ udeviceId: udid, dataType: "attr", deviceStatus, timestamp: String(latest || Date.now()) }];
}
