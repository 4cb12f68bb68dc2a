import { formatUDeviceId } from "@yunlian/protocol";

/** DeviceInfo as the sim holds it: the standard's fields plus any vendor extension (e.g. `name`). */
export interface SimDeviceInfo {
  deviceID: string;
  deviceIDType?: string | null;
  deviceType?: string | null;
  model?: string | null;
  manufacturer?: string | null;
  brand?: string | null;
  accessWay?: string | null;
  [field: string]: string | null | undefined;
}

export interface SimDeviceSeed {
  info: SimDeviceInfo;
  attrs: Record<string, string>;
}

export interface SimDevice {
  info: SimDeviceInfo;
  attrs: Record<string, string>;
}

interface Kind {
  category: string;
  subCategory: string;
  model: string;
  attrs: Record<string, string>;
}

// A washer with table 12's attributes and an air conditioner: enough variety for filters and linkage.
const KINDS: readonly Kind[] = [
  {
    category: "02",
    subCategory: "002",
    model: "SIM-WASH-1",
    attrs: {
      onOffStatus: "False",
      runningstatus: "0",
      laundryCycle: "3",
      doorLockStatus: "False",
      onLine: "True",
    },
  },
  {
    category: "03",
    subCategory: "001",
    model: "SIM-AC-1",
    attrs: { onOffStatus: "False", mode: "cool", targetTemperature: "26", windSpeed: "auto", onLine: "True" },
  },
];

/**
 * `n` devices of the given manufacturer, alternating washer / air conditioner, with stable ids
 * (`{code}01{BB}{CCC}001SIM{index}`) so a CLI-started sim and a test agree on them.
 */
export function defaultDevices(manufacturerCode: string, n = 4): SimDeviceSeed[] {
  const seeds: SimDeviceSeed[] = [];
  for (let i = 0; i < n; i++) {
    const kind = KINDS[i % KINDS.length] as Kind;
    const deviceID = formatUDeviceId({
      manufacturerCode,
      category: kind.category,
      subCategory: kind.subCategory,
      vendorPart: `001SIM${String(i + 1).padStart(6, "0")}`,
    });
    seeds.push({
      info: {
        deviceID,
        deviceIDType: "UDeviceID",
        deviceType: `${kind.category}${kind.subCategory}001`,
        model: kind.model,
        manufacturer: `SIM-${manufacturerCode}`,
        brand: "SimBrand",
        accessWay: "1",
      },
      attrs: { ...kind.attrs },
    });
  }
  return seeds;
}
