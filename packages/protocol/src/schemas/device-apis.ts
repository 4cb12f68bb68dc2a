/** Section 7.2.1–7.2.7: device management, A → B. */
import { z } from "zod";
import { ResponseBase } from "./envelope.ts";
import { DeviceAttr, DeviceInfo, DeviceInfoWithId, deviceId } from "./objects.ts";
import { idString, MAX_ID } from "./primitives.ts";

/** B's ID of the user; the standard sends it as a string and once as a bare (big) number. */
const UserID = idString(MAX_ID);

/** Device[] where every entry names its device (DeviceInfo.deviceID). */
const namedDevices = z
  .array(z.looseObject({ DeviceInfo: DeviceInfoWithId, DeviceAttr: DeviceAttr.optional() }))
  .min(1, { error: "must name at least one device" });

/** FailedIDs: the standard's unbind example omits it, so a missing list is read as empty. */
const FailedIDs = z.array(deviceId).default([]);

/** 7.2.1 (tables 29–30). */
export const BindRequest = z.looseObject({ UserID, Device: namedDevices });
export const BindResponse = ResponseBase.extend({ FailedIDs });

/** 7.2.2 (tables 32–33): the same fields as binding. */
export const UnbindRequest = z.looseObject({ UserID, Device: namedDevices });
export const UnbindResponse = ResponseBase.extend({ FailedIDs });

/** 7.2.3 (tables 35–36): the optional Device[].DeviceInfo is a filter (deviceType, model, …). */
export const ListDevicesRequest = z.looseObject({
  UserID,
  Device: z.array(z.looseObject({ DeviceInfo: DeviceInfo.optional() })).optional(),
});
export const ListDevicesResponse = ResponseBase.extend({
  Device: z
    .array(z.looseObject({ DeviceInfo: DeviceInfoWithId, DeviceAttr: DeviceAttr.optional() }))
    .default([]),
});

/** 7.2.4 (tables 38–39): binding-only fields come back null. */
export const DeviceInfoRequest = z.looseObject({ UserID, Device: namedDevices });
export const DeviceInfoResponse = ResponseBase.extend({
  Device: z.array(z.looseObject({ DeviceInfo: DeviceInfoWithId })).default([]),
});

/** 7.2.5 (tables 41–42): deviceID plus the new values. */
export const ModifyDeviceInfoRequest = z.looseObject({ UserID, Device: namedDevices });
export const ModifyDeviceInfoResponse = ResponseBase;

/**
 * 7.2.6 (tables 44–45): DeviceAttr per device, in request order. DeviceInfo.deviceID may be echoed
 * in each entry (docs/design.md §3.4, a documented extension) so multi-device answers are unambiguous.
 */
export const DeviceStatusRequest = z.looseObject({ UserID, Device: namedDevices });
export const DeviceStatusResponse = ResponseBase.extend({
  Device: z.array(z.looseObject({ DeviceInfo: DeviceInfo.optional(), DeviceAttr })).default([]),
});

/** 7.2.7 (tables 47–48): DeviceAttr holds the command; an empty command does nothing, so it is refused. */
export const OpRequest = z.looseObject({
  UserID,
  Device: z
    .array(
      z.looseObject({
        DeviceInfo: DeviceInfoWithId,
        DeviceAttr: DeviceAttr.refine((a) => Object.keys(a).length > 0, {
          error: "must hold at least one attribute",
        }),
      }),
    )
    .min(1, { error: "must name at least one device" }),
});
export const OpResponse = ResponseBase;

export type BindRequest = z.infer<typeof BindRequest>;
export type BindResponse = z.infer<typeof BindResponse>;
export type UnbindRequest = z.infer<typeof UnbindRequest>;
export type UnbindResponse = z.infer<typeof UnbindResponse>;
export type ListDevicesRequest = z.infer<typeof ListDevicesRequest>;
export type ListDevicesResponse = z.infer<typeof ListDevicesResponse>;
export type DeviceInfoRequest = z.infer<typeof DeviceInfoRequest>;
export type DeviceInfoResponse = z.infer<typeof DeviceInfoResponse>;
export type ModifyDeviceInfoRequest = z.infer<typeof ModifyDeviceInfoRequest>;
export type ModifyDeviceInfoResponse = z.infer<typeof ModifyDeviceInfoResponse>;
export type DeviceStatusRequest = z.infer<typeof DeviceStatusRequest>;
export type DeviceStatusResponse = z.infer<typeof DeviceStatusResponse>;
export type OpRequest = z.infer<typeof OpRequest>;
export type OpResponse = z.infer<typeof OpResponse>;
