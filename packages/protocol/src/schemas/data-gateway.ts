/**
 * 7.2.8 status report, B → A (tables 50–51). DeviceStatus's shape depends on DataType:
 *   attr      — the changed attributes, string → string;
 *   alarm     — `{ error: "<code>", ... }`;
 *   onOffline — `{ onLine: "True" | "False", ip?: "...", ... }`.
 * Extra members of DeviceStatus are kept, canonicalised to strings like every attribute value.
 */
import { z } from "zod";
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

export const AttrReport = z.looseObject({ ...common, DataType: z.literal("attr"), DeviceStatus: stringMap });

export const AlarmReport = z.looseObject({
  ...common,
  DataType: z.literal("alarm"),
  DeviceStatus: z.object({ error: scalarString }).catchall(scalarString),
});

export const OnOfflineReport = z.looseObject({
  ...common,
  DataType: z.literal("onOffline"),
  DeviceStatus: z.object({ onLine, ip: scalarString.optional() }).catchall(scalarString),
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

export type AttrReport = z.infer<typeof AttrReport>;
export type AlarmReport = z.infer<typeof AlarmReport>;
export type OnOfflineReport = z.infer<typeof OnOfflineReport>;
export type DataGatewayRequest = z.infer<typeof DataGatewayRequest>;
export type DataGatewayResponse = z.infer<typeof DataGatewayResponse>;
