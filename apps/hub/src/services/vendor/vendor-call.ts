import type { Adapter, AdapterCall } from "@yunlian/adapter-sdk";
import { RetCode } from "@yunlian/protocol";
import { HubError } from "../../lib/hub-error.ts";
import type { RequestTrace } from "../../observability/request-context.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import type { HubServices } from "../hub-services.ts";
import { dbSessionStore } from "./session-store.ts";
import { issueVerifyToken } from "./verify-tokens.ts";

export interface VendorTarget {
  vendor: PlatformRecord;
  adapter: Adapter;
  call: AdapterCall;
}

/** Builds what an adapter needs to act for `userId` at `vendor`, and notes the vendor on the request's trace. */
export function vendorTarget(
  services: HubServices,
  vendor: PlatformRecord,
  userId: string,
  trace?: RequestTrace,
): VendorTarget {
  const adapter = services.adapters.get(vendor.adapter);
  if (!adapter || !vendor.apiBaseUrl) {
    // Registration validates both; this guards a platform edited into an unusable state.
    throw new HubError(RetCode.BAD_GATEWAY, `vendor ${vendor.platId} has no usable adapter or apiBaseUrl`);
  }
  trace?.vendors.add(vendor.platId);
  return {
    vendor,
    adapter,
    call: {
      platform: {
        platId: vendor.platId,
        apiBaseUrl: vendor.apiBaseUrl,
        vendorAppId: vendor.vendorAppId,
        adapterConfig: vendor.adapterConfig,
        manufacturerCodes: vendor.manufacturerCodes,
      },
      hub: { platId: services.config.platId },
      user: { userId },
      sessions: dbSessionStore(services, userId, vendor.platId),
      issueAuthToken: () => issueVerifyToken(services, userId, vendor.platId),
      http: services.http,
      requestId: trace?.requestId,
    },
  };
}
