import { isAdapterError } from "@yunlian/adapter-sdk";
import { RetCode } from "@yunlian/protocol";
import type { Logger } from "pino";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import type { VendorCtx } from "./vendor-context.ts";

/** One vendor's share of a request that failed, and why (in words a caller can act on). */
export interface VendorFailure {
  vendor: PlatformRecord;
  deviceIds: string[];
  retCode: RetCode;
  info: string;
}

export interface FanOutResult<T> {
  done: { vendor: PlatformRecord; deviceIds: string[]; value: T }[];
  failures: VendorFailure[];
}

const WORDS: Record<string, string> = {
  timeout: "timed out",
  unreachable: "is unreachable",
  unauthorized: "refused the hub's session",
  bad_response: "answered wrongly",
  invalid: "cannot take this request",
  rejected: "refused",
};

/**
 * Why a vendor call failed, as the RetCode and RetInfo the hub answers with. The RetCode comes
 * from the adapter SDK's one map (AdapterError.retCode); this only puts the vendor's name and
 * the kind of failure into words. Anything that is not an AdapterError is a bug: logged, 502.
 */
export function describeVendorError(
  vendor: PlatformRecord,
  err: unknown,
  log: Logger,
): { retCode: RetCode; info: string } {
  const who = `vendor ${vendor.platId}`;
  if (!isAdapterError(err)) {
    log.error({ err, vendor: vendor.platId }, "unexpected error while calling a vendor");
    return { retCode: RetCode.BAD_GATEWAY, info: `${who}: internal error while calling it` };
  }
  return { retCode: err.retCode, info: `${who} ${WORDS[err.kind] ?? "failed"}: ${err.message}` };
}

/**
 * Sends each vendor its share of the devices, all vendors in parallel, and sorts the answers
 * into successes and failures: a vendor that is down or slow fails only its own devices.
 */
export async function fanOut<T>(
  ctx: Pick<VendorCtx, "log" | "metrics">,
  operation: string,
  groups: Map<PlatformRecord, string[]>,
  send: (vendor: PlatformRecord, deviceIds: string[]) => Promise<T>,
): Promise<FanOutResult<T>> {
  const entries = [...groups];
  // Most device calls name one vendor: that one is awaited directly, without Promise.all.
  const outcomes =
    entries.length === 1 && entries[0]
      ? [await callOne(ctx, operation, entries[0][0], entries[0][1], send)]
      : await Promise.all(
          entries.map(([vendor, deviceIds]) => callOne(ctx, operation, vendor, deviceIds, send)),
        );
  // In the order the vendors were named, whichever answered first.
  const result: FanOutResult<T> = { done: [], failures: [] };
  for (const outcome of outcomes) {
    if ("value" in outcome) result.done.push(outcome);
    else result.failures.push(outcome);
  }
  return result;
}

/** One vendor's share: its answer or its failure, counted and timed. Never throws. */
async function callOne<T>(
  { log, metrics }: Pick<VendorCtx, "log" | "metrics">,
  operation: string,
  vendor: PlatformRecord,
  deviceIds: string[],
  send: (vendor: PlatformRecord, deviceIds: string[]) => Promise<T>,
): Promise<FanOutResult<T>["done"][number] | VendorFailure> {
  const start = performance.now();
  let outcome: FanOutResult<T>["done"][number] | VendorFailure;
  try {
    // A synchronous throw in `send` is this vendor's failure too, not the whole request's.
    outcome = { vendor, deviceIds, value: await send(vendor, deviceIds) };
  } catch (err) {
    outcome = { vendor, deviceIds, ...describeVendorError(vendor, err, log) };
  }
  const label = "value" in outcome ? "ok" : outcome.retCode;
  metrics.vendorCalls.inc([vendor.platId, operation, label]);
  metrics.vendorDuration.observe([vendor.platId, operation], (performance.now() - start) / 1000);
  return outcome;
}
