import { createIdMap, fromNative, toNative } from "@yunlian/adapter-sdk/mapping";
import { describe, expect, it } from "vitest";
import { miotConfigSchema } from "../src/index.ts";
import { miotSimAdapterConfig } from "../src/sim/index.ts";

describe("value mapping", () => {
  it("converts standard strings to typed native values and back", () => {
    expect(toNative({ type: "bool" }, "True")).toEqual({ ok: true, value: true });
    expect(toNative({ type: "bool" }, "false")).toEqual({ ok: true, value: false });
    expect(toNative({ type: "int", min: 1, max: 8 }, "3")).toEqual({ ok: true, value: 3 });
    expect(toNative({ type: "int", scale: 1 }, "26.5")).toEqual({ ok: true, value: 265 });
    expect(toNative({ type: "number" }, "26.5")).toEqual({ ok: true, value: 26.5 });
    expect(toNative({ type: "enum", values: { cool: 1 } }, "cool")).toEqual({ ok: true, value: 1 });
    expect(fromNative({ type: "bool" }, true)).toEqual({ ok: true, value: "True" });
    expect(fromNative({ type: "int", scale: 1 }, 265)).toEqual({ ok: true, value: "26.5" });
    expect(fromNative({ type: "enum", values: { cool: 1, heat: 3 } }, 3)).toEqual({
      ok: true,
      value: "heat",
    });
  });

  it("refuses values outside the mapping with a reason", () => {
    expect(toNative({ type: "bool" }, "maybe")).toMatchObject({ ok: false, reason: /True/ });
    expect(toNative({ type: "int", min: 1, max: 8 }, "9")).toMatchObject({ ok: false, reason: /outside/ });
    expect(toNative({ type: "int" }, "2.5")).toMatchObject({ ok: false });
    expect(toNative({ type: "int" }, "")).toMatchObject({ ok: false });
    expect(toNative({ type: "enum", values: { cool: 1 } }, "warm")).toMatchObject({
      ok: false,
      reason: /cool/,
    });
    expect(fromNative({ type: "enum", values: { cool: 1 } }, 7)).toMatchObject({ ok: false });
    expect(fromNative({ type: "bool" }, "yes")).toMatchObject({ ok: false });
  });
});

describe("device ids", () => {
  it("suffix mode: the vendor part is the did, the prefix comes from the model's type", () => {
    const ids = createIdMap({ mode: "suffix" }, "000021");
    expect(ids.nativeOf("00002101020021001001")).toBe("1001001");
    expect(ids.typeKeyOf("00002101020021001001")).toBe("02002");
    expect(ids.udidOf("1001001", "02002")).toBe("00002101020021001001");
    expect(ids.nativeOf("00000601020021001001")).toBeUndefined();
    expect(ids.udidOf("has.dots", "02002")).toBeUndefined();
  });

  it("table mode maps both ways and nothing else", () => {
    const ids = createIdMap({ mode: "table", devices: { "0000210102002ABC": "blt.3.xyz" } }, "000021");
    expect(ids.nativeOf("0000210102002ABC")).toBe("blt.3.xyz");
    expect(ids.udidOf("blt.3.xyz", undefined)).toBe("0000210102002ABC");
    expect(ids.nativeOf("0000210102002ABD")).toBeUndefined();
  });
});

describe("config schema", () => {
  it("accepts the simulator's config and rejects an enum without values", () => {
    expect(miotConfigSchema.safeParse(miotSimAdapterConfig()).success).toBe(true);
    const bad = miotSimAdapterConfig();
    bad.deviceTypes["03001"] = { models: [], properties: { mode: { siid: 2, piid: 2, type: "enum" } } };
    expect(miotConfigSchema.safeParse(bad).success).toBe(false);
    expect(miotConfigSchema.safeParse({ clientId: "x", deviceTypes: {} }).success).toBe(false);
  });
});
