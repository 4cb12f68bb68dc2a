import { parseLenientJson, RetCode, retBody } from "@yunlian/protocol";
import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { invalid } from "../../lib/hub-error.ts";
import { guardCaller } from "../../security/guard-caller.ts";
import { receiveReport } from "../../services/reports/receive-report.ts";

/**
 * POST /v1/dataservices/dataGateway: vendor clouds push device status here (7.2.8). Unlike the
 * other interfaces the body is the vendor adapter's business (a native cloud pushes its own
 * format), so it is parsed leniently here and validated by the adapter.
 */
export function registerDataGateway(app: Hono<HubEnv>) {
  app.post("/v1/dataservices/dataGateway", async (c) => {
    const services = c.get("services");
    const rawBody = await c.req.text();
    const vendor = await guardCaller(c, rawBody, "standard");
    const parsed = parseLenientJson(rawBody);
    if (!parsed.ok) throw invalid(`body is not JSON: ${parsed.error.message}`);
    const stored = await receiveReport(services, vendor, parsed.value);
    return c.json(
      retBody(RetCode.OK, "上报成功 stored", {
        Deliveries: stored.reduce((n, s) => n + s.deliveryIds.length, 0),
      }),
    );
  });
}
