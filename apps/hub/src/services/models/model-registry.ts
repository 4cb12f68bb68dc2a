import type { DeviceModelSpec } from "./builtin-models.ts";

const HUB = "\u0000hub";

/**
 * The newest version of every device model, in memory: `devices/op` checks every command
 * against it without a database round trip. For a device, its vendor's models come first,
 * then the hub's; within each, the most specific match (BBCCC+D over BBCCC) wins.
 */
export class ModelRegistry {
  private readonly latest = new Map<string, DeviceModelSpec>();

  private static key(owner: string | null, deviceType: string): string {
    return `${owner ?? HUB}\u0001${deviceType}`;
  }

  put(model: DeviceModelSpec): void {
    const key = ModelRegistry.key(model.ownerPlatId, model.deviceType);
    const current = this.latest.get(key);
    if (!current || current.version <= model.version) this.latest.set(key, model);
  }

  get(owner: string | null, deviceType: string): DeviceModelSpec | undefined {
    return this.latest.get(ModelRegistry.key(owner, deviceType));
  }

  all(): DeviceModelSpec[] {
    return [...this.latest.values()].sort(
      (a, b) =>
        (a.ownerPlatId ?? "").localeCompare(b.ownerPlatId ?? "") || a.deviceType.localeCompare(b.deviceType),
    );
  }

  /**
   * The model for a device of `vendorPlatId`: the request's declared deviceType (BBCCC+D) when
   * it extends the BBCCC the UDeviceID encodes (characters 9–13), else that BBCCC.
   */
  forDevice(
    udeviceId: string,
    vendorPlatId: string,
    declaredType?: string | null,
  ): DeviceModelSpec | undefined {
    const prefix = udeviceId.slice(8, 13);
    const specific =
      declaredType && declaredType !== prefix && declaredType.startsWith(prefix) ? declaredType : undefined;
    for (const owner of [vendorPlatId, null]) {
      const found = (specific && this.get(owner, specific)) || this.get(owner, prefix);
      if (found) return found;
    }
    return undefined;
  }
}
