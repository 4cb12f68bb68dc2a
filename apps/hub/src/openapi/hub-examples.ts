import type { ApiName } from "@yunlian/protocol";
import type { NamedExample } from "./operation.ts";

/**
 * Request examples for the interfaces whose printed example the hub cannot take as is: the
 * standard's own values, with only what breaks them fixed (typographic quotes, `//` comments, the
 * bare UserID and its missing comma, the fields the interface's table requires). Tests check
 * that each one passes the hub's schema.
 */
const userId = "100013954770780042";
const device = "0000060102002001C89346112DD5";

const corrected = (note: string, value: unknown): NamedExample => ({
  summary: "The standard's example, corrected",
  description: note,
  value,
});

export const hubRequestExamples: Partial<Record<ApiName, Record<string, NamedExample>>> = {
  "user/unregister": {
    corrected: corrected("Table 23 requires User[].UserBase.loginID and status; the printed body is `{ }`.", {
      User: [{ UserBase: { loginID: "ACompanyUser132df43", status: "2" } }],
    }),
  },
  "user/bindDevices": {
    corrected: corrected("The printed body uses typographic quotes.", {
      UserID: userId,
      Device: [{ DeviceInfo: { deviceID: device } }],
    }),
  },
  "user/unbindDevices": {
    corrected: corrected("The printed body uses typographic quotes.", {
      UserID: userId,
      Device: [{ DeviceInfo: { deviceID: device } }],
    }),
  },
  "users/devices": {
    corrected: corrected("The printed body carries a `//` comment.", {
      UserID: userId,
      Device: [{ DeviceInfo: { deviceType: "010101" } }],
    }),
  },
  "devices/deviceInfo": {
    corrected: corrected("Table 38 requires UserID; the printed body omits it.", {
      UserID: userId,
      Device: [{ DeviceInfo: { deviceID: device } }],
    }),
  },
  "devices/modifyDeviceInfo": {
    corrected: corrected(
      "The printed body has a bare UserID beyond 2^53 and a missing comma (the hub would keep the digits).",
      {
        UserID: userId,
        Device: [{ DeviceInfo: { deviceID: device, model: "新型号 A", brand: "新品牌 A" } }],
      },
    ),
  },
  "devices/deviceStatus": {
    corrected: corrected("The printed body uses typographic quotes.", {
      UserID: userId,
      Device: [{ DeviceInfo: { deviceID: device } }],
    }),
  },
  "devices/op": {
    "corrected-mode": corrected("Set the laundry cycle (the printed body uses typographic quotes).", {
      UserID: userId,
      Device: [
        { DeviceInfo: { deviceID: device, deviceType: "02002001" }, DeviceAttr: { laundryCycle: "5" } },
      ],
    }),
    "corrected-start": corrected("Start the washer (the printed body carries a `//` comment).", {
      UserID: userId,
      Device: [
        { DeviceInfo: { deviceID: device, deviceType: "02002001" }, DeviceAttr: { onOffStatus: "True" } },
      ],
    }),
  },
};
