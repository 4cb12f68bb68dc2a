import { withStrayAttrKeys } from "./strict.ts";

/** The standard's status report body (7.2.8, table 50). */
export interface SimReport {
  DeviceID: string;
  DataType: "attr" | "alarm" | "onOffline";
  DeviceStatus: Record<string, string>;
  TimeStamp: string;
}

/** How a report carries DeviceStatus: a JSON object, or (table 50 types it String) a JSON string. */
export type DeviceStatusForm = "object" | "string";

/**
 * The body as it goes on the wire. Strict: the keys of the standard's own examples for that
 * DataType (7.2.8: `"DeviceID "` in the attr and online/offline examples, `" DeviceStatus"` in the
 * online/offline ones, `"onOffStatus "`/`"runningstatus "` inside the attr one; the alarm example
 * has none). `string`: DeviceStatus serialised as a JSON string, as table 50's type says.
 */
export function wireReport(
  report: SimReport,
  strict: boolean,
  form: DeviceStatusForm,
): Record<string, unknown> {
  const status =
    strict && report.DataType === "attr" ? withStrayAttrKeys(report.DeviceStatus) : report.DeviceStatus;
  const statusValue = form === "string" ? JSON.stringify(status) : status;
  if (!strict || report.DataType === "alarm") return { ...report, DeviceStatus: statusValue };
  const statusKey = report.DataType === "onOffline" ? " DeviceStatus" : "DeviceStatus";
  return {
    TimeStamp: report.TimeStamp,
    "DeviceID ": report.DeviceID,
    DataType: report.DataType,
    [statusKey]: statusValue,
  };
}
