import type { Adapter, AdapterCall } from "@yunlian/adapter-sdk";
import { RetCode } from "@yunlian/protocol";
import { HubError } from "../../lib/hub-error.ts";
import { noteVendor, type RequestTrace } from "../../observability/request-context.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { dbSessionStore } from "./session-store.ts";
import { sessionTtlMs } from "./session-ttl.ts";
import type { VendorCtx } from "./vendor-context.ts";
import { issueVerifyToken } from "./verify-tokens.ts";

export interface VendorTarget {
  vendor: PlatformRecord;
  adapter: Adapter;
  call: AdapterCall;
}

/** Builds what an adapter needs to act for `userId` at `vendor`, and notes the vendor on the request's trace. */
export function vendorTarget(
  ctx: VendorCtx,
  vendor: PlatformRecord,
  userId: string,
  trace?: RequestTrace,
): VendorTarget {
  const adapter = ctx.adapters.get(vendor.adapter);
  if (!adapter || !vendor.apiBaseUrl) {
    // Registration validates both; this guards a platform edited into an unusable state.
    throw new HubError(RetCode.BAD_GATEWAY, `vendor ${vendor.platId} has no usable adapter or apiBaseUrl`);
  }
  if (trace) noteVendor(trace, vendor.platId);
  return {
    vendor,
    adapter,
    call: {
      platform: platformView(vendor, vendor.apiBaseUrl),
      hub: { platId: ctx.hubPlatId },
      user: { userId },
      sessions: dbSessionStore(ctx, userId, vendor.platId, sessionTtlMs(vendor.adapterConfig)),
      issueAuthToken: () => issueVerifyToken(ctx, userId, vendor.platId),
      http: ctx.http,
      requestId: trace?.requestId,
    },
  };
}

const views = new WeakMap<PlatformRecord, AdapterCall["platform"]>();

/** What an adapter sees of its vendor, made once per registry record (a change replaces the record). */
function platformView(vendor: PlatformRecord, apiBaseUrl: string): AdapterCall["platform"] {
  let view = views.get(vendor);
  if (view === undefined) {
    view = {
      platId: vendor.platId,
      apiBaseUrl,
      vendorAppId: vendor.vendorAppId,
      adapterConfig: vendor.adapterConfig,
      manufacturerCodes: vendor.manufacturerCodes,
    };
    views.set(vendor, view);
  }
  return view;
}
