import { describe, expect, it } from "vitest";
import { PlatformRegistry } from "../../registry/platform-registry.ts";
import { BUILTIN_MODELS, type DeviceModelSpec } from "./builtin-models.ts";
import { type CommandToCheck, checkCommand, checkCommands } from "./check-command.ts";
import { ModelRegistry } from "./model-registry.ts";

const washer = BUILTIN_MODELS.find((m) => m.deviceType === "02002");
if (!washer) throw new Error("washer model missing");

/** A model as a vendor publishes it (standard 6.5.2.2: structure, range, meaning). */
const published: DeviceModelSpec = {
  deviceType: "02002",
  version: 1,
  ownerPlatId: "V",
  nameZh: "滚筒洗衣机",
  nameEn: "vendor washer",
  attributes: [
    { name: "onOffStatus", type: "bool", values: ["True", "False"], writable: true, zh: "开关", en: "power" },
    { name: "laundryCycle", type: "int", min: 1, max: 16, writable: true, zh: "程序", en: "programme" },
    { name: "doorLockStatus", type: "bool", writable: false, zh: "门锁", en: "door locked" },
  ],
};

describe("checkCommand against a vendor's published model", () => {
  const check = (attrs: Record<string, string>) => () =>
    checkCommand(published, attrs, "Device[0].DeviceAttr");

  it("accepts the standard's own examples", () => {
    expect(check({ onOffStatus: "True" })).not.toThrow();
    expect(check({ laundryCycle: "5" })).not.toThrow();
  });

  it.each([
    [{ spinSpeed: "1200" }, /Device\[0\]\.DeviceAttr\.spinSpeed: unknown attribute/],
    [{ doorLockStatus: "True" }, /doorLockStatus: read-only/],
    [{ laundryCycle: "99" }, /laundryCycle: "99" must be at most 16/],
    [{ laundryCycle: "three" }, /laundryCycle: "three" must be an integer/],
    [{ onOffStatus: "yes" }, /onOffStatus: "yes" must be one of "True", "False"/],
  ])("refuses %j", (attrs, message) => {
    expect(check(attrs)).toThrow(message);
  });
});

describe("the hub's shipped models describe, never refuse (docs/design.md §3.6)", () => {
  it("state no range and no list of values: the standard gives none", () => {
    for (const model of BUILTIN_MODELS) {
      for (const a of model.attributes) {
        expect({ model: model.deviceType, ...a }).not.toHaveProperty("min");
        expect({ model: model.deviceType, ...a }).not.toHaveProperty("max");
        expect({ model: model.deviceType, ...a }).not.toHaveProperty("values");
        expect(a.type).not.toBe("enum");
      }
    }
    // Table 12 types every washer attribute String: programme numbers are the vendor's.
    expect(washer.attributes.find((a) => a.name === "laundryCycle")?.type).toBe("string");
  });

  it("let a vendor's programme 20, an unknown attribute and a read-only one through to the vendor", () => {
    const registry = new PlatformRegistry();
    registry.put({
      platId: "V",
      appId: "A",
      manufacturerCodes: ["000006"],
      appSecret: { current: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
    } as Parameters<typeof registry.put>[0]);
    const models = new ModelRegistry();
    for (const m of BUILTIN_MODELS) models.put(m);
    const commands: CommandToCheck[] = [
      { deviceId: "0000060102002001ABC", attrs: { laundryCycle: "20" } },
      { deviceId: "0000060102002001ABD", attrs: { turbo: "on", doorLockStatus: "True" } },
    ];
    expect(() => checkCommands({ registry, models }, commands)).not.toThrow();
    models.put(published);
    expect(() => checkCommands({ registry, models }, commands)).toThrow(
      /Device\[0\]\.DeviceAttr\.laundryCycle/,
    );
  });

  it("an empty command is still a 400 naming the entry", () => {
    const ctx = { registry: new PlatformRegistry(), models: new ModelRegistry() };
    expect(() => checkCommands(ctx, [{ deviceId: "0000060102002001ABC", attrs: {} }])).toThrow(
      /Device\[0\]\.DeviceAttr: the command is required/,
    );
  });
});

describe("ModelRegistry", () => {
  it("finds the vendor's own model (its finer deviceType first), never the hub's or another vendor's", () => {
    const r = new ModelRegistry();
    for (const m of BUILTIN_MODELS) r.put(m);
    const udid = "0000060102002001ABC";
    expect(r.publishedFor(udid, "V")).toBeUndefined();
    r.put({ ...washer, ownerPlatId: "V", version: 1, attributes: [] });
    expect(r.publishedFor(udid, "V")?.version).toBe(1);
    expect(r.publishedFor(udid, "OTHER")).toBeUndefined();
    r.put({ ...washer, deviceType: "02002001", ownerPlatId: "V", version: 1, nameEn: "finer" });
    expect(r.publishedFor(udid, "V", "02002001")?.nameEn).toBe("finer");
    expect(r.publishedFor(udid, "V", "03001001")?.deviceType).toBe("02002");
    r.put({ ...washer, ownerPlatId: "V", version: 2, nameEn: "v2" });
    r.put({ ...washer, ownerPlatId: "V", version: 1, nameEn: "late v1" });
    expect(r.publishedFor(udid, "V")?.nameEn).toBe("v2");
    expect(r.publishedFor("0000060104001001ABC", "V")).toBeUndefined();
  });
});
