import type { DeviceModelSpec } from "./builtin-models.ts";

const HUB = "\u0000hub";

/**
 * The newest version of every device model, in memory: `devices/op` checks every command
 * against its vendor's published model without a database round trip; the most specific match
 * (BBCCC+D over BBCCC) wins.
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
   * The model the device's vendor published, if any — the only kind that constrains a command
   * (docs/design.md §3.6; the hub's own models describe, they never refuse): the request's
   * declared deviceType (BBCCC+D) when it extends the BBCCC the UDeviceID encodes (characters
   * 9–13), else that BBCCC.
   */
  publishedFor(
    udeviceId: string,
    vendorPlatId: string,
    declaredType?: string | null,
  ): DeviceModelSpec | undefined {
    const prefix = udeviceId.slice(8, 13);
    const specific =
      declaredType && declaredType !== prefix && declaredType.startsWith(prefix) ? declaredType : undefined;
    return (specific && this.get(vendorPlatId, specific)) || this.get(vendorPlatId, prefix);
  }
}
