import { parseUDeviceId } from "@yunlian/protocol";
import { z } from "zod";

const platId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "a PlatID: 1–64 of [A-Za-z0-9_-]" });
const deviceId = z
  .string()
  .refine((id) => parseUDeviceId(id).ok, { error: "not a UDeviceID (standard 6.4)" });

/** POST /admin/v1/self/grants: the calling platform grants `granteePlatId`'s users its device. */
export const selfGrantInput = z.strictObject({ deviceId, granteePlatId: platId });

/** POST /admin/v1/grants: the operator grants on behalf of the platform that holds the device. */
export const operatorGrantInput = selfGrantInput.extend({ grantorPlatId: platId });

/** GET …/grants filters (operator: by either platform and by device; self: by device). */
export const grantFilter = z.strictObject({
  platId: platId.optional(),
  deviceId: z.string().max(64).optional(),
});

/** GET /admin/v1/self/grants filter: the calling platform's grants (made or received) of one device. */
export const selfGrantFilter = z.strictObject({ deviceId: z.string().max(64).optional() });

export type GrantInput = z.output<typeof operatorGrantInput>;
