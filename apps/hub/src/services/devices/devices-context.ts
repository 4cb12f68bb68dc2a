import type { PlatformRegistry } from "../../registry/platform-registry.ts";
import type { AuthChanges } from "../users/users-context.ts";
import type { VendorCtx } from "../vendor/vendor-context.ts";

/** What the device interfaces use: vendor calls, routing by manufacturer code, binding changes. */
export interface DevicesCtx extends VendorCtx {
  registry: PlatformRegistry;
  authChanges: AuthChanges;
}
