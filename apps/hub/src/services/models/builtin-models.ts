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

type Type = ModelAttribute["type"];

/**
 * One attribute as the hub describes it: a name, a type and words, never a range or a list of
 * allowed values (docs/design.md §3.6) — the standard states none, and a value the hub invented
 * a limit for (laundryCycle 1–16) refused a vendor's programme 20.
 */
const attr = (name: string, type: Type, writable: boolean, zh: string, en: string): ModelAttribute => ({
  name,
  type,
  writable,
  zh,
  en,
});

/** "True"/"False", as the standard's examples write onOffStatus, doorLockStatus and onLine. */
const flag = (name: string, writable: boolean, zh: string, en: string) =>
  attr(name, "bool", writable, zh, en);

const onLine = flag("onLine", false, "在线状态", "online");

/**
 * Models the hub ships (version 0, owner null): a vocabulary for apps — which attributes a kind
 * of device usually has, their types, what they mean. They never refuse a command: only a model
 * the device's vendor published constrains values (docs/design.md §3.6, check-command.ts). The
 * washer is the standard's table 12 (every attribute typed String there; the examples send
 * "True" and digit strings); the other three are the hub's own, since the standard describes no
 * other device. A vendor's published version of the same deviceType replaces them for its devices.
 */
export const BUILTIN_MODELS: readonly DeviceModelSpec[] = [
  {
    deviceType: "02002",
    version: 0,
    ownerPlatId: null,
    nameZh: "滚筒洗衣机",
    nameEn: "drum washing machine",
    attributes: [
      flag("onOffStatus", true, "开关机状态", "power on/off"),
      attr("runningstatus", "string", false, "运行状态", 'running state (vendor-defined, e.g. "1")'),
      attr("laundryCycle", "string", true, "洗衣程序", 'laundry programme (vendor-defined, e.g. "3")'),
      flag("doorLockStatus", false, "门锁状态", "door locked"),
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
      flag("onOffStatus", true, "开关机状态", "power on/off"),
      attr("mode", "string", true, "运行模式", "operating mode (vendor-defined)"),
      { ...attr("targetTemperature", "number", true, "设定温度", "target temperature"), unit: "°C" },
      attr("windSpeed", "string", true, "风速", "fan speed (vendor-defined)"),
      { ...attr("indoorTemperature", "number", false, "室内温度", "indoor temperature"), unit: "°C" },
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
        ...attr("refrigeratorTemperature", "number", true, "冷藏室温度", "fridge compartment temperature"),
        unit: "°C",
      },
      {
        ...attr("freezerTemperature", "number", true, "冷冻室温度", "freezer compartment temperature"),
        unit: "°C",
      },
      attr("mode", "string", true, "模式", "mode (vendor-defined)"),
      flag("doorStatus", false, "门状态", "door open"),
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
      flag("onOffStatus", true, "开关机状态", "power on/off"),
      { ...attr("targetTemperature", "number", true, "设定温度", "target water temperature"), unit: "°C" },
      { ...attr("currentTemperature", "number", false, "当前水温", "current water temperature"), unit: "°C" },
      attr("mode", "string", true, "模式", "heating mode (vendor-defined)"),
      onLine,
    ],
  },
];
