import { describe, expect, it } from "vitest";
import { BUILTIN_MODELS } from "./builtin-models.ts";
import { checkCommand } from "./check-command.ts";
import { ModelRegistry } from "./model-registry.ts";

const washer = BUILTIN_MODELS.find((m) => m.deviceType === "02002");
if (!washer) throw new Error("washer model missing");

describe("checkCommand against the washer model", () => {
  const check = (attrs: Record<string, string>) => () => checkCommand(washer, attrs, "Device[0].DeviceAttr");

  it("accepts the standard's own examples", () => {
    expect(check({ onOffStatus: "True" })).not.toThrow();
    expect(check({ laundryCycle: "5" })).not.toThrow();
  });

  it.each([
    [{ spinSpeed: "1200" }, /Device\[0\]\.DeviceAttr\.spinSpeed: unknown attribute/],
    [{ doorLockStatus: "True" }, /doorLockStatus: read-only/],
    [{ runningstatus: "1" }, /runningstatus: read-only/],
    [{ laundryCycle: "99" }, /laundryCycle: "99" must be at most 16/],
    [{ laundryCycle: "three" }, /laundryCycle: "three" must be an integer/],
    [{ onOffStatus: "yes" }, /onOffStatus: "yes" must be one of "True", "False"/],
  ])("refuses %j", (attrs, message) => {
    expect(check(attrs)).toThrow(message);
  });
});

describe("ModelRegistry", () => {
  it("prefers the vendor's model, then its finer deviceType, then the hub's", () => {
    const r = new ModelRegistry();
    for (const m of BUILTIN_MODELS) r.put(m);
    const udid = "0000060102002001ABC";
    expect(r.forDevice(udid, "V")?.ownerPlatId).toBeNull();
    r.put({ ...washer, ownerPlatId: "V", version: 1, attributes: [] });
    expect(r.forDevice(udid, "V")?.version).toBe(1);
    expect(r.forDevice(udid, "OTHER")?.ownerPlatId).toBeNull();
    r.put({ ...washer, deviceType: "02002001", ownerPlatId: "V", version: 1, nameEn: "finer" });
    expect(r.forDevice(udid, "V", "02002001")?.nameEn).toBe("finer");
    expect(r.forDevice(udid, "V", "03001001")?.deviceType).toBe("02002");
    r.put({ ...washer, ownerPlatId: "V", version: 2, nameEn: "v2" });
    r.put({ ...washer, ownerPlatId: "V", version: 1, nameEn: "late v1" });
    expect(r.forDevice(udid, "V")?.nameEn).toBe("v2");
    expect(r.forDevice("0000060104001001ABC", "V")).toBeUndefined();
  });
});
