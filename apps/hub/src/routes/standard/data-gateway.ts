import { parseLenientJson, RetCode, retBody } from "@yunlian/protocol";
import { invalid } from "../../lib/hub-error.ts";
import { type ReportsCtx, receiveReport } from "../../services/reports/receive-report.ts";
import type { StandardEndpoint } from "./standard-route.ts";

/**
 * POST /v1/dataservices/dataGateway: vendor clouds push device status here (7.2.8). Unlike the
 * other interfaces the body is the vendor adapter's business (a native cloud pushes its own
 * format), so it is parsed leniently here and validated by the adapter.
 */
export const dataGateway = (ctx: ReportsCtx): StandardEndpoint => ({
  method: "POST",
  path: "/v1/dataservices/dataGateway",
  async serve({ platform, caller }) {
    const parsed = parseLenientJson(caller.rawBody);
    if (!parsed.ok) throw invalid(`body is not JSON: ${parsed.error.message}`);
    const stored = await receiveReport(ctx, platform, parsed.value, caller.trace.requestId);
    return {
      body: retBody(RetCode.OK, "上报成功 stored", {
        Deliveries: stored.reduce((n, s) => n + s.deliveryIds.length, 0),
      }),
    };
  },
});
