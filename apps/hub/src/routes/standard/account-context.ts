import type { DevicesCtx } from "../../services/devices/devices-context.ts";
import type { UsersCtx } from "../../services/users/users-context.ts";

/** The device interfaces act for a hub user: its token and bindings, and the vendors' clouds. */
export type AccountCtx = UsersCtx & DevicesCtx;
