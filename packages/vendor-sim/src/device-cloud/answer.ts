import type { CommonHeaders } from "@yunlian/protocol";
import type { SimDeviceInfo } from "../devices.ts";
import type { CloudState, SimUser } from "./state.ts";

/** What a handler decides; the app turns it into the standard's RetCode/RetInfo body. */
export interface Answer {
  code: "200" | "400" | "401" | "500";
  info: string;
  /** The Chinese RetInfo a strict cloud answers instead (strict.ts); absent = a generic one. */
  zh?: string;
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface HandlerInput {
  headers: CommonHeaders;
  body: Record<string, unknown>;
  state: CloudState;
  /** Set for every interface but login (the app refuses the call before the handler otherwise). */
  user: SimUser;
  accessToken: string;
}

export const ok = (extra?: Record<string, unknown>, info = "ok"): Answer => ({ code: "200", info, extra });
export const business = (info: string, zh?: string): Answer => ({ code: "500", info, zh });

export interface DeviceEntryView {
  info: Partial<SimDeviceInfo>;
  attrs: Record<string, string> | undefined;
}

/** `Device[]` of a parsed (already validated and key-trimmed) request body. */
export function deviceEntries(body: Record<string, unknown>): DeviceEntryView[] {
  const list = Array.isArray(body.Device) ? (body.Device as unknown[]) : [];
  return list.map((entry) => {
    const e = (entry ?? {}) as { DeviceInfo?: Partial<SimDeviceInfo>; DeviceAttr?: Record<string, string> };
    return { info: e.DeviceInfo ?? {}, attrs: e.DeviceAttr };
  });
}

export function deviceIds(body: Record<string, unknown>): string[] {
  return deviceEntries(body).map((e) => (typeof e.info.deviceID === "string" ? e.info.deviceID : ""));
}

/**
 * The body's UserID must be the token's user when given: a token never lets one user act as
 * another. The standard makes UserID required; the token already identifies the user, so a
 * missing one is tolerated.
 */
export function userIdMismatch(input: HandlerInput): Answer | undefined {
  const given = input.body.UserID;
  if (given === undefined || given === null || String(given) === input.user.userId) return undefined;
  // zh names neither token nor expiry: this is not a session problem, so no re-login is wanted.
  return business(`UserID ${String(given)} does not belong to this AccessToken`, "UserID 与当前登录用户不符");
}
