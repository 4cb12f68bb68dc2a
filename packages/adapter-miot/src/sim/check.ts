import { MiotCode } from "../codes.ts";
import type { SpecProperty } from "./spec.ts";

/** The MIoT cloud's own type check of a value against the spec: a wrong type is refused. */
export function checkValue(spec: SpecProperty, value: unknown): number {
  switch (spec.format) {
    case "bool":
      return typeof value === "boolean" ? MiotCode.OK : MiotCode.VALUE_ERROR;
    case "string":
      return typeof value === "string" ? MiotCode.OK : MiotCode.VALUE_ERROR;
    default: {
      if (typeof value !== "number" || !Number.isFinite(value)) return MiotCode.VALUE_ERROR;
      if (spec.format !== "float" && !Number.isInteger(value)) return MiotCode.VALUE_ERROR;
      if (spec.valueList && !spec.valueList.includes(value)) return MiotCode.VALUE_ERROR;
      if (spec.range) {
        const [min, max, step] = spec.range;
        const offStep = Math.abs((value - min) / step - Math.round((value - min) / step)) > 1e-9;
        if (value < min || value > max || offStep) return MiotCode.VALUE_ERROR;
      }
      return MiotCode.OK;
    }
  }
}

/** Which code a get/set of "siid.piid" answers before looking at the value. */
export function lookup(model: Record<string, SpecProperty>, siid: number, piid: number) {
  const spec = model[`${siid}.${piid}`];
  if (spec) return { spec, code: MiotCode.OK };
  const serviceKnown = Object.keys(model).some((k) => k.startsWith(`${siid}.`));
  return { spec: undefined, code: serviceKnown ? MiotCode.PROPERTY_NOT_FOUND : MiotCode.SERVICE_NOT_FOUND };
}
