import type { AdapterRegistry } from "@yunlian/adapter-sdk";
import { isAdapterError, type NormalisedReport } from "@yunlian/adapter-sdk";
import type { Database, DatabaseHandle } from "@yunlian/db";
import { type IngestInput, ingestReport, ReportingPlatformGone } from "@yunlian/delivery";
import { RetCode } from "@yunlian/protocol";
import { forbidden, HubError, invalid, unauthorized } from "../../lib/hub-error.ts";
import type { HubMetrics } from "../../observability/metrics.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import type { PlatformRegistry } from "../../registry/platform-registry.ts";
import { confirmFromReports, type OpsCtx } from "../commands/op-tracking.ts";
import type { DeliveryRunner } from "./delivery-runner.ts";
import { withUDeviceIds } from "./vendor-device-ids.ts";

/** What taking in a vendor's status report uses. */
export interface ReportsCtx {
  registry: PlatformRegistry;
  adapters: AdapterRegistry;
  /** Where reports are written (ingestDatabaseUrl's pool with PostgreSQL). */
  ingestDb: Database;
  notifier: Pick<DatabaseHandle, "notify">;
  delivery: Pick<DeliveryRunner, "handoff" | "firstDelayMs" | "kick">;
  metrics: Pick<HubMetrics, "reportsRefused">;
  /** Op tracking (unless HUB_OP_TRACKING=off): a stored report may confirm pending ops. */
  ops?: OpsCtx;
}

/**
 * A status report pushed by a vendor cloud (standard 7.2.8). The vendor's adapter turns its
 * body (the standard's, or a native push) into normalised reports with UDeviceIDs; every
 * device must carry one of the reporting vendor's own manufacturer codes (else 403 and
 * nothing is stored). A vendor that names devices by its own IDs (deviceIds "vendor") has them
 * mapped to the UDeviceIDs apps bound first (vendor-device-ids.ts: 404 when none is bound). Each report is stored with its shadow update and its outbox rows in
 * one transaction (packages/delivery) before the hub answers "200".
 */
export async function receiveReport(
  ctx: ReportsCtx,
  vendor: PlatformRecord,
  body: unknown,
  requestId?: string,
) {
  const adapter = ctx.adapters.get(vendor.adapter);
  if (!adapter) throw new HubError(RetCode.BUSINESS, `platform ${vendor.platId} has no usable adapter`);
  let reports: NormalisedReport[];
  try {
    reports = adapter.parseReport(
      {
        platId: vendor.platId,
        apiBaseUrl: vendor.apiBaseUrl ?? "",
        vendorAppId: vendor.vendorAppId,
        adapterConfig: vendor.adapterConfig,
        manufacturerCodes: vendor.manufacturerCodes,
      },
      body,
    );
  } catch (err) {
    if (isAdapterError(err)) throw invalid(`report refused: ${err.message}`);
    throw err;
  }
  if (reports.length === 0) throw invalid("report carries no device status");
  // A vendor naming devices by its own IDs: each mapped to the UDeviceID an app bound, or refused.
  reports = await withUDeviceIds({ db: ctx.ingestDb, metrics: ctx.metrics }, vendor, reports);
  for (const report of reports) {
    const owner = ctx.registry.vendorFor(report.udeviceId);
    if (owner?.platId !== vendor.platId) {
      throw forbidden(
        `DeviceID ${report.udeviceId}: manufacturer code ${report.udeviceId.slice(0, 6)} is not one of platform ${vendor.platId}'s`,
      );
    }
  }
  const stored = [];
  for (const report of reports) {
    stored.push(
      await ingestOrRefuse({
        db: ctx.ingestDb,
        report,
        vendorPlatId: vendor.platId,
        notifier: ctx.notifier,
        ...(ctx.delivery.handoff ? { handoff: ctx.delivery.handoff } : {}),
        firstDelayMs: ctx.delivery.firstDelayMs,
        requestId,
      }),
    );
  }
  // With a hand-off the deliveries are queued already; a kick would only cost a relay scan.
  if (!ctx.delivery.handoff) ctx.delivery.kick();
  // After the report is stored: an op it confirms is never settled on a report that was not kept.
  if (ctx.ops) await confirmFromReports(ctx.ops, reports);
  return stored;
}

/** The vendor deleted by an operator while its report was in flight: its credentials are gone too. */
async function ingestOrRefuse(input: IngestInput) {
  try {
    return await ingestReport(input);
  } catch (err) {
    if (err instanceof ReportingPlatformGone) {
      throw unauthorized(`platform ${err.platId} no longer exists; the report was not stored`);
    }
    throw err;
  }
}
