/** A status report after adapter normalisation (structurally the adapter SDK's NormalisedReport). */
export interface NormalisedReport {
  udeviceId: string;
  dataType: "attr" | "alarm" | "onOffline";
  deviceStatus: Record<string, string>;
  /** Epoch milliseconds as a decimal string, as the standard sends it. */
  timestamp: string;
}

/** The standard's dataGateway body (7.2.8), canonical key order, DeviceID = UDeviceID. */
export interface DataGatewayBody {
  DeviceID: string;
  DataType: string;
  DeviceStatus: Record<string, unknown>;
  TimeStamp: string;
  /** Extension (docs/adr/0011): "reconcile" when the hub found this state by polling the vendor. */
  Source?: string;
}

export function reportBody(r: {
  udeviceId: string;
  dataType: string;
  deviceStatus: Record<string, unknown>;
  timestamp: string;
  source?: string | null;
}): string {
  const body: DataGatewayBody = {
    DeviceID: r.udeviceId,
    DataType: r.dataType,
    DeviceStatus: r.deviceStatus,
    TimeStamp: r.timestamp,
  };
  // Only on reconciled reports: a vendor's push is delivered byte for byte as before.
  if (r.source) body.Source = r.source;
  return JSON.stringify(body);
}

/** "True"/"False" (any casing, or a boolean) → boolean; anything else → undefined (unknown). */
export function parseOnLine(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v !== "string") return undefined;
  const s = v.trim().toLowerCase();
  return s === "true" ? true : s === "false" ? false : undefined;
}

/** The report's TimeStamp as a Date, or null when it is not a plausible epoch-ms value. */
export function reportedAtOf(timestamp: string): Date | null {
  if (!/^\d{1,15}$/.test(timestamp.trim())) return null;
  const d = new Date(Number(timestamp));
  return Number.isNaN(d.getTime()) ? null : d;
}
