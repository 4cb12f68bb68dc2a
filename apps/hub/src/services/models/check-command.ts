import type { ModelAttribute } from "@yunlian/db";
import { invalid } from "../../lib/hub-error.ts";
import type { PlatformRegistry } from "../../registry/platform-registry.ts";
import type { DeviceModelSpec } from "./builtin-models.ts";
import type { ModelRegistry } from "./model-registry.ts";

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
 * Checks one device's command against the model its vendor published, before any vendor is
 * called: an unknown attribute, a read-only one, or a value out of range or of the wrong type is
 * a 400 naming the attribute. Only a vendor's own model is a rule it stated (standard 6.5.2.2);
 * the hub's shipped models never refuse (docs/design.md §3.6).
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

/** One device's command as devices/op names it: the device, the attributes, the declared deviceType. */
export interface CommandToCheck {
  deviceId: string;
  attrs: Record<string, string>;
  declaredType?: string | null;
}

/**
 * The content checks of devices/op (400), run only once the caller is authenticated (401) and
 * every device is bound to its user (403): a command must name at least one attribute, and where
 * the device's vendor published a model, fit it (docs/design.md §3.6).
 */
export function checkCommands(
  ctx: { registry: PlatformRegistry; models: ModelRegistry },
  commands: readonly CommandToCheck[],
): void {
  commands.forEach((c, i) => {
    const field = `Device[${i}].DeviceAttr`;
    if (Object.keys(c.attrs).length === 0) throw invalid(`${field}: the command is required`);
    const vendor = ctx.registry.vendorFor(c.deviceId);
    const model = vendor && ctx.models.publishedFor(c.deviceId, vendor.platId, c.declaredType);
    if (model) checkCommand(model, c.attrs, field);
  });
}
