import { type Database, deliveries, opDevices, ops, statusReports } from "@yunlian/db";
import { type DeliveryNotifier, runSql, wakeDelivery } from "@yunlian/delivery";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { PlatformRegistry } from "../../registry/platform-registry.ts";
import type { DeliveryRunner } from "../reports/delivery-runner.ts";

/** The DataType of an op's outcome delivered to a platform that opted in (docs/design.md §7). */
export const OP_RESULT = "opResult";

/** Told about every op that settled; delivers the outcome to the platforms that asked for it. */
export interface OpResultSink {
  settled(settled: readonly { opId: string; platId: string }[]): Promise<void>;
}

interface OpResultsCtx {
  db: Database;
  registry: PlatformRegistry;
  notifier: DeliveryNotifier;
  delivery: Pick<DeliveryRunner, "kick">;
  now: () => Date;
  log: Logger;
}

/**
 * An op's outcome as deliveries to its platform's dataGateway, only when the platform opted in
 * (`events: ["opResult"]`) and receives deliveries: one per device, the standard's dataGateway body
 * with `DataType: "opResult"` and `DeviceStatus: {OpID, Status (the device's), OpStatus}`. They are
 * outbox rows like status reports' (a status_reports row of that DataType, and its delivery), so
 * they are signed, retried, dead-lettered and replayed the same way.
 */
export function opResultDeliveries(ctx: OpResultsCtx): OpResultSink {
  return {
    async settled(settled) {
      const wanted = settled.filter((s) => {
        const p = ctx.registry.get(s.platId);
        return p?.events.includes(OP_RESULT) && p.dataGatewayUrl !== null && p.dataGatewayDisabledAt === null;
      });
      if (wanted.length === 0) return;
      try {
        const ids = await writeOpResults(ctx, wanted);
        if (ids.length > 0) {
          void wakeDelivery(ctx.notifier, ids.join(","));
          ctx.delivery.kick();
        }
      } catch (err) {
        // The op is settled and readable by GET /v1/ops; only its delivery is lost. Logged, never thrown
        // into the report or sweep that settled it.
        ctx.log.error({ err, ops: wanted.map((w) => w.opId) }, "could not write opResult deliveries");
      }
    },
  };
}

async function writeOpResults(ctx: OpResultsCtx, settled: readonly { opId: string; platId: string }[]) {
  const now = ctx.now();
  const at = now.toISOString();
  const idPrefix = `msg_${now.getTime().toString(36).padStart(10, "0")}`;
  const input = JSON.stringify(settled.map((s) => ({ op_id: s.opId, plat_id: s.platId })));
  const rows = (await runSql(ctx.db)(sql`
    with settled as (select * from jsonb_to_recordset(${input}::jsonb) as s(op_id text, plat_id text)),
    device as (
      select d.op_id, d.udevice_id, d.vendor_plat_id, s.plat_id, d.ord,
             jsonb_build_object('OpID', d.op_id, 'Status', d.status, 'OpStatus', o.status) as device_status,
             nextval('status_reports_id_seq'::regclass) as report_id
      from settled s join ${ops} o on o.op_id = s.op_id join ${opDevices} d on d.op_id = o.op_id and d.created_at = o.created_at
    ), report as (
      insert into ${statusReports} (id, udevice_id, vendor_plat_id, data_type, device_status, reported_at, received_at)
      select report_id, udevice_id, vendor_plat_id, ${OP_RESULT}::text, device_status, ${at}::timestamptz, ${at}::timestamptz
      from device
    )
    -- Ids shaped as newDeliveryId's: the time prefix from here, 16 random hex characters from Postgres;
    -- created_at is the report's received_at, by which the relay finds the report's partition.
    insert into ${deliveries} (id, report_id, plat_id, udevice_id, next_attempt_at, created_at, updated_at)
    select ${idPrefix}::text || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16), report_id, plat_id, udevice_id,
           ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz
    from device order by op_id, ord
    returning id`)) as { id: string }[];
  return rows.map((r) => r.id);
}
