import type { ModelAttribute } from "@yunlian/db";

export interface DeviceModelSpec {
  /** BBCCC (category + sub-category) or BBCCC + D (docs/design.md §3.1). */
  deviceType: string;
  version: number;
  ownerPlatId: string | null;
  nameZh: string;
  nameEn: string;
  attributes: ModelAttribute[];
}

const bool = (name: string, writable: boolean, zh: string, en: string): ModelAttribute => ({
  name,
  type: "bool",
  values: ["True", "False"],
  writable,
  zh,
  en,
});

const onLine = bool("onLine", false, "在线状态", "online");

/**
 * Models the hub ships (version 0), so common devices are checked before any vendor publishes
 * its own: the standard's washer (table 12) and a few common types. A vendor's published
 * version of the same deviceType replaces them.
 */
export const BUILTIN_MODELS: readonly DeviceModelSpec[] = [
  {
    deviceType: "02002",
    version: 0,
    ownerPlatId: null,
    nameZh: "滚筒洗衣机",
    nameEn: "drum washing machine",
    attributes: [
      bool("onOffStatus", true, "开关机状态", "power on/off"),
      {
        name: "runningstatus",
        type: "int",
        min: 0,
        max: 9,
        writable: false,
        zh: "运行状态",
        en: "running state (0 idle … vendor-defined)",
      },
      {
        name: "laundryCycle",
        type: "int",
        min: 1,
        max: 16,
        writable: true,
        zh: "洗衣程序",
        en: "laundry programme number",
      },
      bool("doorLockStatus", false, "门锁状态", "door locked"),
      onLine,
    ],
  },
  {
    deviceType: "03001",
    version: 0,
    ownerPlatId: null,
    nameZh: "家用空调器",
    nameEn: "room air conditioner",
    attributes: [
      bool("onOffStatus", true, "开关机状态", "power on/off"),
      {
        name: "mode",
        type: "enum",
        values: ["auto", "cool", "dry", "heat", "fan"],
        writable: true,
        zh: "运行模式",
        en: "operating mode",
      },
      {
        name: "targetTemperature",
        type: "number",
        min: 16,
        max: 30,
        unit: "°C",
        writable: true,
        zh: "设定温度",
        en: "target temperature",
      },
      {
        name: "windSpeed",
        type: "enum",
        values: ["auto", "low", "mid", "high"],
        writable: true,
        zh: "风速",
        en: "fan speed",
      },
      {
        name: "indoorTemperature",
        type: "number",
        min: -40,
        max: 60,
        unit: "°C",
        writable: false,
        zh: "室内温度",
        en: "indoor temperature",
      },
      onLine,
    ],
  },
  {
    deviceType: "01003",
    version: 0,
    ownerPlatId: null,
    nameZh: "冷藏冷冻箱",
    nameEn: "refrigerator-freezer",
    attributes: [
      {
        name: "refrigeratorTemperature",
        type: "int",
        min: 2,
        max: 8,
        unit: "°C",
        writable: true,
        zh: "冷藏室温度",
        en: "fridge compartment temperature",
      },
      {
        name: "freezerTemperature",
        type: "int",
        min: -24,
        max: -16,
        unit: "°C",
        writable: true,
        zh: "冷冻室温度",
        en: "freezer compartment temperature",
      },
      {
        name: "mode",
        type: "enum",
        values: ["smart", "holiday", "quickCool", "quickFreeze"],
        writable: true,
        zh: "模式",
        en: "mode",
      },
      bool("doorStatus", false, "门状态", "door open"),
      onLine,
    ],
  },
  {
    deviceType: "05001",
    version: 0,
    ownerPlatId: null,
    nameZh: "电热水器",
    nameEn: "electric water heater",
    attributes: [
      bool("onOffStatus", true, "开关机状态", "power on/off"),
      {
        name: "targetTemperature",
        type: "int",
        min: 30,
        max: 75,
        unit: "°C",
        writable: true,
        zh: "设定温度",
        en: "target water temperature",
      },
      {
        name: "currentTemperature",
        type: "int",
        min: 0,
        max: 100,
        unit: "°C",
        writable: false,
        zh: "当前水温",
        en: "current water temperature",
      },
      {
        name: "mode",
        type: "enum",
        values: ["standard", "eco", "quickHeat"],
        writable: true,
        zh: "模式",
        en: "heating mode",
      },
      onLine,
    ],
  },
];
