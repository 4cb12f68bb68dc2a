/**
 * One entry per interface of section 7: request and response schemas, the headers the standard
 * requires when the call is not over mutual TLS (7.1: with TLS the header parameters may be
 * omitted), and a one-line summary in both languages for docs and logs.
 */
import type { z } from "zod";
import type { CommonHeaders } from "../json/headers.ts";
import { DataGatewayRequest, DataGatewayResponse } from "./data-gateway.ts";
import {
  BindRequest,
  BindResponse,
  DeviceInfoRequest,
  DeviceInfoResponse,
  DeviceStatusRequest,
  DeviceStatusResponse,
  ListDevicesRequest,
  ListDevicesResponse,
  ModifyDeviceInfoRequest,
  ModifyDeviceInfoResponse,
  OpRequest,
  OpResponse,
  UnbindRequest,
  UnbindResponse,
} from "./device-apis.ts";
import {
  LoginRequest,
  LoginResponse,
  LogoutRequest,
  LogoutResponse,
  UnregisterRequest,
  UnregisterResponse,
  VerifyRequest,
  VerifyResponse,
} from "./user-apis.ts";

export const apiNames = [
  "user/login",
  "user/logout",
  "user/unregister",
  "user/verify",
  "user/bindDevices",
  "user/unbindDevices",
  "users/devices",
  "devices/deviceInfo",
  "devices/modifyDeviceInfo",
  "devices/deviceStatus",
  "devices/op",
  "dataservices/dataGateway",
] as const;

export type ApiName = (typeof apiNames)[number];

export interface ApiSpec {
  request: z.ZodType;
  response: z.ZodType;
  /** Header parameters required without mutual TLS (the standard's tables; docs/design.md §3.5 for AccessToken). */
  requiredHeaders: readonly (keyof CommonHeaders)[];
  summary: string;
  summaryZh: string;
}

export const apis = {
  "user/login": {
    request: LoginRequest,
    response: LoginResponse,
    requiredHeaders: ["platId"],
    summary: "Log a user of platform A into cloud B (first login registers); returns userID and AccessToken",
    summaryZh: "用户登录(第一次登录实现注册功能)",
  },
  "user/logout": {
    request: LogoutRequest,
    response: LogoutResponse,
    requiredHeaders: ["platId", "accessToken"],
    summary: "Log the user out; the AccessToken is destroyed",
    summaryZh: "用户退出登录",
  },
  "user/unregister": {
    request: UnregisterRequest,
    response: UnregisterResponse,
    requiredHeaders: ["platId", "accessToken"],
    summary: "Remove the B-side account of an A-side user",
    summaryZh: "用户注销",
  },
  "user/verify": {
    request: VerifyRequest,
    response: VerifyResponse,
    requiredHeaders: ["platId"],
    summary: "Callback B → A: does A vouch for this loginID and AuthToken?",
    summaryZh: "用户验证",
  },
  "user/bindDevices": {
    request: BindRequest,
    response: BindResponse,
    requiredHeaders: ["platId", "appId"],
    summary: "Bind devices to the user; FailedIDs lists those not bound",
    summaryZh: "设备绑定",
  },
  "user/unbindDevices": {
    request: UnbindRequest,
    response: UnbindResponse,
    requiredHeaders: ["platId"],
    summary: "Unbind devices from the user; FailedIDs lists those not unbound",
    summaryZh: "设备解除绑定",
  },
  "users/devices": {
    request: ListDevicesRequest,
    response: ListDevicesResponse,
    requiredHeaders: ["platId", "appId"],
    summary: "List the user's devices, optionally filtered by DeviceInfo fields",
    summaryZh: "用户设备列表查询",
  },
  "devices/deviceInfo": {
    request: DeviceInfoRequest,
    response: DeviceInfoResponse,
    requiredHeaders: ["platId"],
    summary: "Read the DeviceInfo of registered devices",
    summaryZh: "设备信息查询",
  },
  "devices/modifyDeviceInfo": {
    request: ModifyDeviceInfoRequest,
    response: ModifyDeviceInfoResponse,
    requiredHeaders: ["platId"],
    summary: "Change DeviceInfo fields of devices",
    summaryZh: "设备信息修改",
  },
  "devices/deviceStatus": {
    request: DeviceStatusRequest,
    response: DeviceStatusResponse,
    requiredHeaders: ["platId"],
    summary: "Read the current DeviceAttr of devices, answered in request order",
    summaryZh: "设备状态查询",
  },
  "devices/op": {
    request: OpRequest,
    response: OpResponse,
    requiredHeaders: ["platId", "accessToken"],
    summary: "Operate devices bound to the user: DeviceAttr carries the command",
    summaryZh: "设备操作",
  },
  "dataservices/dataGateway": {
    request: DataGatewayRequest,
    response: DataGatewayResponse,
    requiredHeaders: [],
    summary: "Status report B → A: attributes, alarm, or online/offline",
    summaryZh: "设备状态上报",
  },
} as const satisfies Record<ApiName, ApiSpec>;

export type RequestOf<K extends ApiName> = z.output<(typeof apis)[K]["request"]>;
export type ResponseOf<K extends ApiName> = z.output<(typeof apis)[K]["response"]>;

export function isApiName(value: string): value is ApiName {
  return (apiNames as readonly string[]).includes(value);
}
