import { z } from "zod";

/**
 * How a vendor names its devices on the wire (adapterConfig.deviceIds): "udevice" (the default)
 * sends and reads full UDeviceIDs; "vendor" the UDeviceID's vendor part (what follows the 13-character
 * routable prefix, docs/design.md §3.1), as the standard's own examples do (`"C8934610162D"`). The
 * hub maps a vendor part back to the UDeviceID an app bound (reports: apps/hub receive-report).
 */
export const deviceIdModeSchema = z.enum(["udevice", "vendor"]);

export type DeviceIdMode = z.infer<typeof deviceIdModeSchema>;
