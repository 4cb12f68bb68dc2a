import { parseLenientJson, RetCode, retBody } from "@yunlian/protocol";
import type { CallerRequest } from "../../lib/caller-request.ts";
import { invalid } from "../../lib/hub-error.ts";
import { INGEST_PATH } from "../../registry/ingest-url.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { type ReportsCtx, receiveReport } from "../../services/reports/receive-report.ts";
import type { StandardAnswer, StandardEndpoint } from "./standard-route.ts";

/**
 * POST /v1/dataservices/dataGateway: vendor clouds push device status here (7.2.8). Unlike the
 * other interfaces the body is the vendor adapter's business (a native cloud pushes its own
 * format), so it is parsed leniently here and validated by the adapter.
 */
export const dataGateway = (ctx: ReportsCtx): StandardEndpoint => ({
  method: "POST",
  path: "/v1/dataservices/dataGateway",
  serve: ({ platform, caller }) => storeReport(ctx, platform, caller),
});

/**
 * POST to a vendor's ingestUrl (docs/design.md §7): the same report, for a cloud built to table 50,
 * which gives the report no header. The URL's secret segment names the vendor (the router has
 * authenticated it by that segment), so the report is attributed to it alone: its own
 * manufacturer codes only, as on the header-based route.
 */
export const dataGatewayAtIngestUrl = (ctx: ReportsCtx): StandardEndpoint => ({
  method: "POST",
  path: `${INGEST_PATH}:ingestSegment`,
  atIngestUrls: true,
  serve: ({ platform, caller }) => storeReport(ctx, platform, caller),
});

async function storeReport(
  ctx: ReportsCtx,
  platform: PlatformRecord,
  caller: CallerRequest,
): Promise<StandardAnswer> {
  const parsed = parseLenientJson(caller.rawBody);
  if (!parsed.ok) throw invalid(`body is not JSON: ${parsed.error.message}`);
  const stored = await receiveReport(ctx, platform, parsed.value, caller.trace.requestId);
  return {
    body: retBody(RetCode.OK, "上报成功 stored", {
      Deliveries: stored.reduce((n, s) => n + s.deliveryIds.length, 0),
    }),
  };
}
