/**
 * The standard's objects (6.5.2.3 Device, 6.5.2.4 User). Every object is loose: extra fields are
 * allowed and kept, because the standard lets vendors extend DeviceInfo, DeviceAttr and UserProfile
 * (6.5.2.2) and readers ignore what they do not know (docs/design.md §3.4). Which fields are required
 * depends on the interface; the per-interface schemas tighten these bases.
 */
import { z } from "zod";
import { idString, MAX_ID, nullableScalarString, orRequired, stringMap } from "./primitives.ts";

/** ' " - \ / : ; * ? < > | % & # + and space (table 14). */
const LOGIN_NAME_FORBIDDEN = /['"\-\\/:;*?<>|%&#+ ]/;

export const loginId = idString(20);

export const loginName = z
  .string()
  .min(3, { error: "3–15 characters" })
  .max(15, { error: "3–15 characters" })
  .refine((s) => !LOGIN_NAME_FORBIDDEN.test(s), {
    error: `must not contain ' " - \\ / : ; * ? < > | % & # + or space`,
  });

/** "0" active, "1" registered, "2" deleted, "3" completed; a number 0–3 is canonicalised. */
export const userStatus = z
  .union([z.string(), z.int()], { error: orRequired('must be "0", "1", "2" or "3"') })
  .transform((v) => String(v).trim())
  .pipe(z.enum(["0", "1", "2", "3"], { error: 'must be "0", "1", "2" or "3"' }));

export const UserBase = z.looseObject({
  loginID: loginId.optional(),
  loginName: loginName.optional(),
  userID: idString(MAX_ID).optional(),
  email: z.string().max(256, { error: "at most 256 characters" }).nullable().optional(),
  mobile: z.string().max(32, { error: "at most 32 characters" }).nullable().optional(),
  status: userStatus.optional(),
});

/** Free extension attributes (table 15 types some as numbers), kept exactly as sent. */
export const UserProfile = z.record(z.string(), z.unknown());

export const UserEntry = z.looseObject({ UserBase, UserProfile: UserProfile.optional() });
export const User = z.array(UserEntry);

export const deviceId = idString(MAX_ID);

export const DeviceInfo = z.looseObject({
  deviceID: deviceId.optional(),
  deviceIDType: nullableScalarString.optional(),
  deviceType: nullableScalarString.optional(),
  model: nullableScalarString.optional(),
  manufacturer: nullableScalarString.optional(),
  brand: nullableScalarString.optional(),
  accessWay: nullableScalarString.optional(),
});

/** DeviceInfo with deviceID present: what every call that names devices needs. */
export const DeviceInfoWithId = DeviceInfo.extend({ deviceID: deviceId });

export const DeviceAttr = stringMap;

export const DeviceEntry = z.looseObject({
  DeviceInfo: DeviceInfo.optional(),
  DeviceAttr: DeviceAttr.optional(),
});
export const Device = z.array(DeviceEntry);

export type UserBase = z.infer<typeof UserBase>;
export type UserProfile = z.infer<typeof UserProfile>;
export type User = z.infer<typeof User>;
export type DeviceInfo = z.infer<typeof DeviceInfo>;
export type DeviceAttr = z.infer<typeof DeviceAttr>;
export type Device = z.infer<typeof Device>;
