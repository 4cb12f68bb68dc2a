import { AdapterError, type NormalisedReport, type VendorPlatform } from "@yunlian/adapter-sdk";
import { parseRequest, parseUDeviceId } from "@yunlian/protocol";
import { reportText } from "./report-body.ts";
import { vendorNamesDevices } from "./vendor-ids.ts";

/**
 * A standard vendor's report is already the standard body with a UDeviceID, so normalising is
 * validating. An object is re-read through the protocol's lenient reader so quirky keys
 * (`"DeviceID "`, `" DeviceStatus"`) are trimmed exactly as for text, and a DeviceStatus sent as a
 * JSON string (table 50's type) is read as the object it holds (report-body.ts). A vendor that
 * names devices by its own IDs (`deviceIds: "vendor"`) reports them that way: its DeviceID is
 * passed through as it came, for the hub to map to the UDeviceID an app bound through its bindings
 * (a report names no type, so the adapter alone cannot rebuild the UDeviceID).
 */
export function parseStandardReport(platform: VendorPlatform, body: unknown): NormalisedReport[] {
  const parsed = parseRequest("dataservices/dataGateway", reportText(body), {});
  if (!parsed.ok) throw new AdapterError("invalid", `${platform.platId} report: ${parsed.retInfo}`);
  const report = parsed.body;
  const udid = parseUDeviceId(report.DeviceID);
  if (!udid.ok && !vendorNamesDevices(platform)) {
    throw new AdapterError(
      "invalid",
      `${platform.platId} report: DeviceID ${report.DeviceID} is not a UDeviceID`,
    );
  }
  return [
    {
      udeviceId: report.DeviceID,
      dataType: report.DataType,
      deviceStatus: { ...report.DeviceStatus } as Record<string, string>,
      timestamp: report.TimeStamp,
    },
  ];
}
