import { AdapterError, type NormalisedReport, type VendorPlatform } from "@yunlian/adapter-sdk";
import { MAX_VENDOR_PART, parseRequest, parseUDeviceId } from "@yunlian/protocol";
import { configOf } from "./config.ts";

/** The vendor part of a UDeviceID (docs/design.md §3.1): what a vendor in deviceIds "vendor" mode sends. */
const VENDOR_PART = new RegExp(`^[0-9A-Za-z_=-]{1,${MAX_VENDOR_PART}}$`);

/**
 * A standard vendor's report is already the standard body with a UDeviceID, so normalising is
 * validating. An object is re-read through the protocol's lenient reader so quirky keys
 * (`"DeviceID "`, `" DeviceStatus"`) are trimmed exactly as for text. A vendor configured with
 * deviceIds "vendor" names the device by the UDeviceID's vendor part (the standard's own examples
 * do: `"C8934610162D"`): that ID is handed to the hub as `vendorDeviceId`, which the hub maps to
 * the UDeviceID an app bound.
 */
export function parseStandardReport(platform: VendorPlatform, body: unknown): NormalisedReport[] {
  const text = typeof body === "string" ? body : JSON.stringify(body ?? null);
  const parsed = parseRequest("dataservices/dataGateway", text, {});
  if (!parsed.ok) throw new AdapterError("invalid", `${platform.platId} report: ${parsed.retInfo}`);
  const report = parsed.body;
  const common = {
    dataType: report.DataType,
    deviceStatus: { ...report.DeviceStatus } as Record<string, string>,
    timestamp: report.TimeStamp,
  };
  if (configOf(platform.adapterConfig).deviceIds === "vendor") {
    if (!VENDOR_PART.test(report.DeviceID)) {
      throw new AdapterError(
        "invalid",
        `${platform.platId} report: DeviceID ${report.DeviceID} is not a device ID of this vendor (1–${MAX_VENDOR_PART} of 0-9 A-Z a-z _ = -)`,
      );
    }
    return [{ udeviceId: "", vendorDeviceId: report.DeviceID, ...common }];
  }
  const udid = parseUDeviceId(report.DeviceID);
  if (!udid.ok) {
    throw new AdapterError(
      "invalid",
      `${platform.platId} report: DeviceID ${report.DeviceID} is not a UDeviceID`,
    );
  }
  return [{ udeviceId: report.DeviceID, ...common }];
}
