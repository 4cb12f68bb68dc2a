import type { MiotConfig } from "../config.ts";

/** A property as the MIoT spec of a model declares it (format, access, range or value list). */
export interface SpecProperty {
  format: "bool" | "uint8" | "int32" | "float" | "string";
  access: ("read" | "write" | "notify")[];
  /** [min, max, step] for numbers. */
  range?: [number, number, number];
  /** Allowed values for an enumerated uint8. */
  valueList?: number[];
}

/** model → "siid.piid" → property. */
export type ModelSpec = Record<string, SpecProperty>;

const rw: SpecProperty["access"] = ["read", "write", "notify"];

export const SIM_MODELS: Record<string, ModelSpec> = {
  "yunlian.washer.sim1": {
    "2.1": { format: "bool", access: rw },
    "2.2": { format: "uint8", access: rw, valueList: [0, 1, 2, 3] },
    "2.3": { format: "uint8", access: rw, range: [1, 8, 1] },
    "2.4": { format: "bool", access: ["read", "notify"] },
  },
  "yunlian.aircon.sim1": {
    "2.1": { format: "bool", access: rw },
    "2.2": { format: "uint8", access: rw, valueList: [0, 1, 2, 3, 4] },
    "2.3": { format: "float", access: rw, range: [16, 30, 0.5] },
    "3.1": { format: "uint8", access: rw, valueList: [0, 1, 2, 3] },
  },
};

export interface SimDeviceSeed {
  did: string;
  model: string;
  name: string;
  props: Record<string, unknown>;
}

const WASHER = { "2.1": false, "2.2": 0, "2.3": 3, "2.4": false };
const AIRCON = { "2.1": false, "2.2": 1, "2.3": 26, "3.1": 0 };

/** Two washers and two air conditioners, with numeric dids as the MIoT cloud issues them. */
export function defaultMiotDevices(): SimDeviceSeed[] {
  return [
    { did: "1001001", model: "yunlian.washer.sim1", name: "Washer 1", props: { ...WASHER } },
    { did: "1002001", model: "yunlian.aircon.sim1", name: "Air conditioner 1", props: { ...AIRCON } },
    { did: "1001002", model: "yunlian.washer.sim1", name: "Washer 2", props: { ...WASHER } },
    { did: "1002002", model: "yunlian.aircon.sim1", name: "Air conditioner 2", props: { ...AIRCON } },
  ];
}

/** A complete adapterConfig for the simulator's devices (also the README's example). */
export function miotSimAdapterConfig(clientId = "yunlian-hub", clientSecret = "miot-sim-secret"): MiotConfig {
  return {
    clientId,
    clientSecret,
    deviceIds: { mode: "suffix" },
    brand: "MiSim",
    manufacturer: "MIoT simulator",
    deviceTypes: {
      "02002": {
        deviceType: "02002001",
        models: ["yunlian.washer.sim1"],
        properties: {
          onOffStatus: { siid: 2, piid: 1, type: "bool" },
          runningstatus: { siid: 2, piid: 2, type: "int", min: 0, max: 3 },
          laundryCycle: { siid: 2, piid: 3, type: "int", min: 1, max: 8 },
          doorLockStatus: { siid: 2, piid: 4, type: "bool" },
        },
      },
      "03001": {
        deviceType: "03001001",
        models: ["yunlian.aircon.sim1"],
        properties: {
          onOffStatus: { siid: 2, piid: 1, type: "bool" },
          mode: { siid: 2, piid: 2, type: "enum", values: { auto: 0, cool: 1, dry: 2, heat: 3, fan: 4 } },
          targetTemperature: { siid: 2, piid: 3, type: "number", min: 16, max: 30 },
          windSpeed: { siid: 3, piid: 1, type: "enum", values: { auto: 0, low: 1, mid: 2, high: 3 } },
        },
      },
    },
  };
}
