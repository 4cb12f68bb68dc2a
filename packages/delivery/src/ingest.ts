import type { Database } from "@yunlian/db";
import { withJitter } from "./backoff.ts";
import { GroupCommit } from "./group-commit.ts";
import { type IngestRow, ingestRows } from "./ingest-rows.ts";
import { type NormalisedReport, parseOnLine, reportedAtOf } from "./report.ts";
import { runSql } from "./sql-exec.ts";
import { type DeliveryNotifier, idsPayloads, wakeDelivery } from "./wake.ts";

export interface IngestInput {
  db: Database;
  report: NormalisedReport;
  /** The reporting vendor platform (the hub already checked it owns the manufacturer code). */
  vendorPlatId: string;
  /** NOTIFY after commit so the relay/runner picks the new rows up at once (the DatabaseHandle fits). */
  notifier?: DeliveryNotifier;
  /** Delay before the first attempt (HUB_DELIVERY_BACKOFF's first entry); default 0. */
  firstDelayMs?: number;
  now?: Date;
  /** The inbound request's id, kept with the report and sent along with every delivery of it. */
  requestId?: string;
}

export interface IngestResult {
  reportId: number;
  deliveryIds: string[];
}

/** One report, ready to be written alone or with others. */
interface PreparedIngest {
  row: IngestRow;
  notifier?: DeliveryNotifier;
}

/** Concurrent reports wait this many at most for one batch; more form the next batch. */
const MAX_BATCH = 256;

/** One group committer per database (a Database object is one pool, or PGlite's one connection). */
const committers = new WeakMap<Database, GroupCommit<PreparedIngest, IngestResult>>();

/**
 * Stores a status report: history row, device shadow, and one outbox row per subscribed platform,
 * all in one transaction. When this resolves the report is durable, whatever Redis is doing.
 *
 * Reports arriving while another batch is being written are group-committed: they share one
 * transaction (one WAL flush, which with synchronous_commit on is what a report costs) and one
 * multi-row statement (see ingest-rows.ts). A batch that fails is retried report by report, so a
 * bad report fails alone.
 */
export async function ingestReport(input: IngestInput): Promise<IngestResult> {
  const prepared = prepareIngest(input);
  let committer = committers.get(input.db);
  if (!committer) {
    committer = groupCommitFor(input.db);
    committers.set(input.db, committer);
  }
  return committer.submit(prepared);
}

function groupCommitFor(db: Database): GroupCommit<PreparedIngest, IngestResult> {
  return new GroupCommit<PreparedIngest, IngestResult>({
    maxBatch: MAX_BATCH,
    // One statement, even when a device reported twice, is its own implicit transaction: no
    // BEGIN/COMMIT round trips.
    runBatch: (items) =>
      ingestRows(
        runSql(db),
        items.map((i) => i.row),
      ),
    runOne: async (item) => (await ingestRows(runSql(db), [item.row]))[0] as IngestResult,
    afterCommit(items, results) {
      // One wake-up per batch (per notifier), after the commit, naming the new rows so the relay
      // can fetch them by key; not awaited: a lost NOTIFY only costs latency (relay and runner
      // poll), and the callers need not wait for it.
      const woken = new Map<DeliveryNotifier, string[]>();
      items.forEach((item, i) => {
        const ids = results[i]?.deliveryIds ?? [];
        if (!item.notifier || ids.length === 0) return;
        const list = woken.get(item.notifier);
        if (list) list.push(...ids);
        else woken.set(item.notifier, [...ids]);
      });
      for (const [n, ids] of woken) for (const payload of idsPayloads(ids)) void wakeDelivery(n, payload);
    },
  });
}

function prepareIngest(input: IngestInput): PreparedIngest {
  const { report, vendorPlatId } = input;
  const now = input.now ?? new Date();
  const status = report.deviceStatus;
  const online =
    report.dataType === "onOffline" || report.dataType === "attr" ? parseOnLine(status.onLine) : undefined;
  const isAlarm = report.dataType === "alarm";
  const nextAttemptAt = new Date(now.getTime() + withJitter(input.firstDelayMs ?? 0));
  // Dates go in as ISO text: raw parameters are not serialised alike by every driver. Delivery ids
  // follow newDeliveryId's shape: the time prefix from here, 16 random hex characters from Postgres.
  const at = now.toISOString();
  return {
    notifier: input.notifier,
    row: {
      udevice_id: report.udeviceId,
      vendor_plat_id: vendorPlatId,
      data_type: report.dataType,
      device_status: status,
      reported_at: reportedAtOf(report.timestamp)?.toISOString() ?? null,
      received_at: at,
      request_id: input.requestId ?? null,
      attrs: report.dataType === "attr" ? status : {},
      online: online ?? null,
      last_alarm: isAlarm ? status : null,
      last_alarm_at: isAlarm ? at : null,
      id_prefix: `msg_${now.getTime().toString(36).padStart(10, "0")}`,
      first_attempt_at: nextAttemptAt.toISOString(),
    },
  };
}
