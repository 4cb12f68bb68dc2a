import type { TuyaConfigInput } from "../config.ts";

/** A data point as a Tuya product's instruction set declares it. */
export type DpSpec = { mode: "rw" | "ro" } & (
  | { type: "Boolean" }
  | { type: "Integer"; min: number; max: number; scale: number; step: number }
  | { type: "Enum"; range: string[] }
  | { type: "String"; maxlen: number }
);

export interface SimProduct {
  name: string;
  category: string;
  dps: Record<string, DpSpec>;
}

export const SIM_PRODUCTS: Record<string, SimProduct> = {
  ylwash01sim: {
    name: "Yunlian sim washer",
    category: "xyj",
    dps: {
      switch: { mode: "rw", type: "Boolean" },
      work_state: { mode: "rw", type: "Enum", range: ["standby", "washing", "pause", "done"] },
      mode: {
        mode: "rw",
        type: "Enum",
        range: ["cotton", "synthetic", "quick", "wool", "eco", "delicate", "heavy", "rinse"],
      },
      door_lock: { mode: "ro", type: "Boolean" },
    },
  },
  ylac01sim: {
    name: "Yunlian sim air conditioner",
    category: "kt",
    dps: {
      switch: { mode: "rw", type: "Boolean" },
      mode: { mode: "rw", type: "Enum", range: ["auto", "cold", "wet", "hot", "wind"] },
      temp_set: { mode: "rw", type: "Integer", min: 160, max: 300, scale: 1, step: 5 },
      fan_speed_enum: { mode: "rw", type: "Enum", range: ["auto", "low", "middle", "high"] },
    },
  },
};

export interface SimDeviceSeed {
  id: string;
  productId: string;
  name: string;
  status: Record<string, unknown>;
}

const WASHER = { switch: false, work_state: "standby", mode: "quick", door_lock: false };
const AIRCON = { switch: false, mode: "cold", temp_set: 260, fan_speed_enum: "auto" };

export function defaultTuyaDevices(): SimDeviceSeed[] {
  return [
    { id: "bf01washer0001", productId: "ylwash01sim", name: "Washer 1", status: { ...WASHER } },
    { id: "bf02aircon0001", productId: "ylac01sim", name: "Air conditioner 1", status: { ...AIRCON } },
    { id: "bf01washer0002", productId: "ylwash01sim", name: "Washer 2", status: { ...WASHER } },
    { id: "bf02aircon0002", productId: "ylac01sim", name: "Air conditioner 2", status: { ...AIRCON } },
  ];
}

/** A complete adapterConfig for the simulator's devices (also the README's example). */
export function tuyaSimAdapterConfig(
  clientId = "yunlian-hub-tuya",
  clientSecret = "tuya-sim-secret",
): TuyaConfigInput {
  const cycles = ["cotton", "synthetic", "quick", "wool", "eco", "delicate", "heavy", "rinse"];
  return {
    clientId,
    clientSecret,
    schema: "yunlian",
    deviceIds: { mode: "suffix" },
    brand: "TuyaSim",
    manufacturer: "Tuya simulator",
    deviceTypes: {
      "02002": {
        deviceType: "02002001",
        productIds: ["ylwash01sim"],
        dataPoints: {
          onOffStatus: { code: "switch", type: "bool" },
          runningstatus: {
            code: "work_state",
            type: "enum",
            values: { "0": "standby", "1": "washing", "2": "pause", "3": "done" },
          },
          laundryCycle: {
            code: "mode",
            type: "enum",
            values: Object.fromEntries(cycles.map((c, i) => [String(i + 1), c])),
          },
          doorLockStatus: { code: "door_lock", type: "bool" },
        },
      },
      "03001": {
        deviceType: "03001001",
        productIds: ["ylac01sim"],
        dataPoints: {
          onOffStatus: { code: "switch", type: "bool" },
          mode: {
            code: "mode",
            type: "enum",
            values: { auto: "auto", cool: "cold", dry: "wet", heat: "hot", fan: "wind" },
          },
          targetTemperature: { code: "temp_set", type: "int", scale: 1, min: 16, max: 30 },
          windSpeed: {
            code: "fan_speed_enum",
            type: "enum",
            values: { auto: "auto", low: "low", mid: "middle", high: "high" },
          },
        },
      },
    },
  };
}

/** The cloud's own check of a command value against the DP: a wrong type or range is refused. */
export function acceptsValue(dp: DpSpec, value: unknown): boolean {
  switch (dp.type) {
    case "Boolean":
      return typeof value === "boolean";
    case "String":
      return typeof value === "string" && value.length <= dp.maxlen;
    case "Enum":
      return typeof value === "string" && dp.range.includes(value);
    case "Integer":
      return (
        Number.isInteger(value) &&
        (value as number) >= dp.min &&
        (value as number) <= dp.max &&
        ((value as number) - dp.min) % dp.step === 0
      );
  }
}
