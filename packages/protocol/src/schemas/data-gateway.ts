/**
 * 7.2.8 status report, B → A (tables 50–51). DeviceStatus's shape depends on DataType:
 *   attr      — the changed attributes, string → string;
 *   alarm     — e.g. `{ error: "<code>", ... }`;
 *   onOffline — e.g. `{ onLine: "True" | "False", ip?: "...", ... }`.
 * The standard shows examples, not a closed list: `error` and `onLine` are not required, and other
 * members are kept, canonicalised to strings like every attribute value (`onLine`, when sent, to
 * "True"/"False"). Table 50 types DeviceStatus as String, so a JSON text holding the object is
 * read as that object (keys trimmed like the body's); what the hub delivers is always the object.
 */
import { z } from "zod";
import { parseLenientJson } from "../json/lenient-json.ts";
import { ResponseBase } from "./envelope.ts";
import { deviceId } from "./objects.ts";
import { epochMs, orRequired, scalarString, stringMap } from "./primitives.ts";

/** "True"/"False" as the standard writes them; booleans and other casings are canonicalised. */
const onLine = z
  .union([z.string(), z.boolean()], { error: orRequired('must be "True" or "False"') })
  .transform((v) => (typeof v === "boolean" ? String(v) : v.trim().toLowerCase()))
  .pipe(z.enum(["true", "false"], { error: 'must be "True" or "False"' }))
  .transform((v): "True" | "False" => (v === "true" ? "True" : "False"));

const common = { DeviceID: deviceId, TimeStamp: epochMs };

/**
 * DeviceStatus as an object, or as the JSON text of one (table 50 types it String). A preprocess,
 * not a union, so an error still names the field and says what was wrong.
 */
function deviceStatus<T extends z.ZodType>(object: T) {
  return z
    .preprocess((value, ctx) => {
      if (typeof value !== "string") return value;
      const parsed = parseLenientJson(value);
      const read = parsed.ok ? parsed.value : undefined;
      if (typeof read === "object" && read !== null && !Array.isArray(read)) return read;
      ctx.addIssue({
        code: "custom",
        message: parsed.ok
          ? "a string must be the JSON text of an object"
          : `a string must be the JSON text of an object: ${parsed.error.message}`,
      });
      return z.NEVER;
    }, object)
    .describe("An object, or its JSON text as a string (table 50 types DeviceStatus as String)");
}

export const AttrReport = z.looseObject({
  ...common,
  DataType: z.literal("attr"),
  DeviceStatus: deviceStatus(stringMap),
});

export const AlarmReport = z.looseObject({
  ...common,
  DataType: z.literal("alarm"),
  DeviceStatus: deviceStatus(z.object({ error: scalarString.optional() }).catchall(scalarString)),
});

export const OnOfflineReport = z.looseObject({
  ...common,
  DataType: z.literal("onOffline"),
  DeviceStatus: deviceStatus(
    z.object({ onLine: onLine.optional(), ip: scalarString.optional() }).catchall(scalarString),
  ),
});

export const dataTypes = ["attr", "alarm", "onOffline"] as const;
export type DataType = (typeof dataTypes)[number];

export const DataGatewayRequest = z.discriminatedUnion(
  "DataType",
  [AttrReport, AlarmReport, OnOfflineReport],
  {
    error: (issue) =>
      issue.code === "invalid_union" ? `DataType: must be one of ${dataTypes.join(", ")}` : undefined,
  },
);
export const DataGatewayResponse = ResponseBase;

/**
 * The hub's extension (docs/design.md §7 "Device operation"): an op's outcome for one of its
 * devices, delivered to the dataGateway of a platform that opted in (`events: ["opResult"]`) and to
 * no other. Not one of the standard's DataTypes: DataGatewayRequest (what vendors may send) refuses it.
 */
const settledStatus = z.enum(["confirmed", "timeout", "failed"]);
export const OpResultReport = z.looseObject({
  ...common,
  DataType: z.literal("opResult"),
  DeviceStatus: z.looseObject({ OpID: z.string().min(1), Status: settledStatus, OpStatus: settledStatus }),
});
export type OpResultReport = z.infer<typeof OpResultReport>;

export type AttrReport = z.infer<typeof AttrReport>;
export type AlarmReport = z.infer<typeof AlarmReport>;
export type OnOfflineReport = z.infer<typeof OnOfflineReport>;
export type DataGatewayRequest = z.infer<typeof DataGatewayRequest>;
export type DataGatewayResponse = z.infer<typeof DataGatewayResponse>;
