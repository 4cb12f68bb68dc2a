import type { ModelAttribute } from "@yunlian/db";
import { invalid } from "../../lib/hub-error.ts";
import type { DeviceModelSpec } from "./builtin-models.ts";

/** Why `value` is not allowed for `attr`, or undefined when it is. */
function valueProblem(attr: ModelAttribute, value: string): string | undefined {
  switch (attr.type) {
    case "bool":
    case "enum": {
      const allowed = attr.values ?? (attr.type === "bool" ? ["True", "False"] : []);
      return allowed.includes(value)
        ? undefined
        : `must be one of ${allowed.map((v) => `"${v}"`).join(", ")}`;
    }
    case "int":
    case "number": {
      const pattern = attr.type === "int" ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
      if (!pattern.test(value)) return `must be ${attr.type === "int" ? "an integer" : "a number"}`;
      const n = Number(value);
      if (attr.min !== undefined && n < attr.min) return `must be at least ${attr.min}${attr.unit ?? ""}`;
      if (attr.max !== undefined && n > attr.max) return `must be at most ${attr.max}${attr.unit ?? ""}`;
      return undefined;
    }
    case "string":
      return undefined;
  }
}

/**
 * Checks one device's command against its model before any vendor is called: an unknown
 * attribute, a read-only one, or a value out of range or of the wrong type is a 400 naming
 * the attribute (issue: "Devices without a published model pass through unchecked").
 */
export function checkCommand(model: DeviceModelSpec, attrs: Record<string, string>, field: string): void {
  for (const [name, value] of Object.entries(attrs)) {
    const attr = model.attributes.find((a) => a.name === name);
    if (attr?.writable && valueProblem(attr, value) === undefined) continue;
    const where = `${field}.${name}`;
    if (!attr) {
      const known = model.attributes.filter((a) => a.writable).map((a) => a.name);
      throw invalid(
        `${where}: unknown attribute of model ${model.deviceType} (${model.nameEn}); writable: ${known.join(", ")}`,
      );
    }
    if (!attr.writable)
      throw invalid(`${where}: read-only attribute of model ${model.deviceType} (${attr.en})`);
    const problem = valueProblem(attr, value);
    if (problem) throw invalid(`${where}: "${value}" ${problem}`);
  }
}
