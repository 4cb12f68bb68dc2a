import { AdapterError, type NormalisedReport, type VendorPlatform } from "@yunlian/adapter-sdk";
import { parseRequest, parseUDeviceId } from "@yunlian/protocol";

/**
 * A standard vendor's report is already the standard body with a UDeviceID, so normalising is
 * validating. An object is re-read through the protocol's lenient reader so quirky keys
 * (`"DeviceID "`, `" DeviceStatus"`) are trimmed exactly as for text.
 */
export function parseStandardReport(platform: VendorPlatform, body: unknown): NormalisedReport[] {
  const text = typeof body === "string" ? body : JSON.stringify(body ?? null);
  const parsed = parseRequest("dataservices/dataGateway", text, {});
  if (!parsed.ok) throw new AdapterError("invalid", `${platform.platId} report: ${parsed.retInfo}`);
  const report = parsed.body;
  const udid = parseUDeviceId(report.DeviceID);
  if (!udid.ok) {
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
