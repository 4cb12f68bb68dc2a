import type { DeviceModelSpec } from "./builtin-models.ts";
import type { ModelRegistry } from "./model-registry.ts";

/**
 * Every model an app may render a device of `deviceType` with (docs/design.md §7, "Device models
 * for every platform"): the newest version each vendor published for that type, then the hub's
 * descriptive built-in one; for a BBCCC+D type, the models of the BBCCC it extends follow.
 */
export function modelsForType(models: Pick<ModelRegistry, "all">, deviceType: string): DeviceModelSpec[] {
  const types = deviceType.length > 5 ? [deviceType, deviceType.slice(0, 5)] : [deviceType];
  const all = models.all();
  return types.flatMap((type) => {
    const ofType = all.filter((m) => m.deviceType === type);
    return [...ofType.filter((m) => m.ownerPlatId !== null), ...ofType.filter((m) => m.ownerPlatId === null)];
  });
}
