/**
 * A device cloud built to the letter of the standard (section 7), not to the hub's reading of it.
 * Every rule here cites the clause it comes from; packages/vendor-sim/README.md lists them.
 */
import type { Answer } from "./answer.ts";

/**
 * The expired-or-unknown-session answer. The standard defines no code for it: its tables list only
 * RetCode "200" (ok) and "500" (具体业务失败原因, e.g. table 30), so a strict cloud says it in words.
 */
export const SESSION_GONE = { RetCode: "500", RetInfo: "AccessToken 已失效" } as const;

/**
 * Tables 30, 33, 36, 39, 42, 45 and 48: RetCode is "200" ok or "500" with the business reason.
 * Everything the lenient sim answers with a finer code (400, 401) becomes a "500" with a Chinese
 * RetInfo; a "401" without a reason of its own is the session answer above.
 */
export function strictRet(answer: Answer): { RetCode: "200" | "500"; RetInfo: string } {
  if (answer.code === "200") return { RetCode: "200", RetInfo: answer.zh ?? answer.info };
  if (answer.code === "401" && answer.zh === undefined) return { ...SESSION_GONE };
  return { RetCode: "500", RetInfo: answer.zh ?? `请求参数错误：${answer.info}` };
}

/** A request the cloud could not read (not JSON, a required field missing): still "500", HTTP 200. */
export function strictUnreadable(retInfo: string): { RetCode: "500"; RetInfo: string } {
  return { RetCode: "500", RetInfo: `请求参数错误：${retInfo}` };
}

/**
 * The keys the standard's own examples print with a stray space. A strict cloud copies them: a
 * vendor engineer who pastes the examples sends exactly these.
 *   7.2.3 and 7.2.4 answers: `"deviceID "`; 7.2.6 answer and 7.2.8 attr report: `"onOffStatus "`,
 *   `"runningstatus "`; 7.2.8 attr/online/offline reports: `"DeviceID "`; online/offline: `" DeviceStatus"`.
 */
const STRAY_ATTR_KEYS: ReadonlyMap<string, string> = new Map([
  ["onOffStatus", "onOffStatus "],
  ["runningstatus", "runningstatus "],
]);

export function withStrayAttrKeys(attrs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(attrs)) out[STRAY_ATTR_KEYS.get(key) ?? key] = value;
  return out;
}

type DeviceEntry = { DeviceInfo?: Record<string, unknown>; DeviceAttr?: Record<string, string> };

/**
 * The answer body's payload as the standard's examples print it. deviceStatus (table 45) carries
 * DeviceAttr only, "不包含 deviceID": the hub's echo extension (DESIGN §3.4) is left out, so the
 * answer is positional.
 */
export function strictExtra(api: string, extra: Record<string, unknown> | undefined) {
  if (extra === undefined || !Array.isArray(extra.Device)) return extra;
  const entries = extra.Device as DeviceEntry[];
  if (api === "devices/deviceStatus") {
    return { ...extra, Device: entries.map((e) => ({ DeviceAttr: withStrayAttrKeys(e.DeviceAttr ?? {}) })) };
  }
  if (api === "users/devices" || api === "devices/deviceInfo") {
    return {
      ...extra,
      Device: entries.map((e) => {
        const { deviceID, ...rest } = e.DeviceInfo ?? {};
        return { ...e, DeviceInfo: { "deviceID ": deviceID, ...rest } };
      }),
    };
  }
  return extra;
}

/**
 * Header parameters a strict cloud requires. 7.1: without TLS the header parameters "必须传递";
 * every request table (17, 20, 23, 29, 32, 35, 38, 41, 44, 47) marks PlatID 必填, and tables 29
 * (bindDevices) and 35 (users/devices) mark AppID 必填 as well.
 */
const APP_ID_REQUIRED: ReadonlySet<string> = new Set(["user/bindDevices", "users/devices"]);

export function missingHeader(api: string, headers: { platId?: string; appId?: string }): Answer | undefined {
  if (headers.platId === undefined)
    return { code: "400", info: "header PlatID: required", zh: "缺少 PlatID" };
  if (APP_ID_REQUIRED.has(api) && headers.appId === undefined)
    return { code: "400", info: "header AppID: required", zh: "缺少 AppID" };
  return undefined;
}
