import type { Database } from "@yunlian/db";
import { withJitter } from "./backoff.ts";
import { GroupCommit } from "./group-commit.ts";
import type { DeliveryHandoff, HandedDelivery } from "./handoff.ts";
import { type IngestRow, ingestRows, type RowResult, type WrittenDelivery } from "./ingest-rows.ts";
import type { PreparedAttempt } from "./jobs.ts";
import { secretsOf } from "./prepared.ts";
import { type NormalisedReport, parseOnLine, reportBody, reportedAtOf } from "./report.ts";
import { runSql } from "./sql-exec.ts";
import { type DeliveryNotifier, idsPayloads, wakeDelivery } from "./wake.ts";

export interface IngestInput {
  db: Database;
  report: NormalisedReport;
  /** The reporting vendor platform (the hub already checked it owns the manufacturer code). */
  vendorPlatId: string;
  /** NOTIFY after commit so the relay/runner picks the new rows up at once (the DatabaseHandle fits). */
  notifier?: DeliveryNotifier;
  /**
   * BullMQ mode: queue the new deliveries straight from here after the commit, instead of the
   * NOTIFY and a relay pass reading them back (see DeliveryHandoff). The notifier is then not used.
   */
  handoff?: DeliveryHandoff;
  /** Delay before the first attempt (HUB_DELIVERY_BACKOFF's first entry); default 0. */
  firstDelayMs?: number;
  now?: Date;
  /** The inbound request's id, kept with the report and sent along with every delivery of it. */
  requestId?: string;
  /** "reconcile": the hub found this state by polling (docs/adr/0011); unset for a vendor's push. */
  source?: "reconcile";
}

export interface IngestResult {
  reportId: number;
  deliveryIds: string[];
}

/** One report, ready to be written alone or with others. */
interface PreparedIngest {
  row: IngestRow;
  notifier?: DeliveryNotifier;
  handoff?: DeliveryHandoff;
}

/** Concurrent reports wait this many at most for one batch; more form the next batch. */
const MAX_BATCH = 256;

/** One group committer per database (a Database object is one pool, or PGlite's one connection). */
const committers = new WeakMap<Database, GroupCommit<PreparedIngest, RowResult>>();

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
  const written = await committer.submit(prepared);
  return { reportId: written.reportId, deliveryIds: written.deliveries.map((d) => d.id) };
}

function groupCommitFor(db: Database): GroupCommit<PreparedIngest, RowResult> {
  return new GroupCommit<PreparedIngest, RowResult>({
    maxBatch: MAX_BATCH,
    // One statement, even when a device reported twice, is its own implicit transaction: no
    // BEGIN/COMMIT round trips.
    runBatch: (items) =>
      ingestRows(
        runSql(db),
        items.map((i) => i.row),
      ),
    runOne: async (item) => (await ingestRows(runSql(db), [item.row]))[0] as RowResult,
    // Deferred a turn: the callers (often the next batch's writers) go first, and building and
    // encoding the jobs stays off the commit-to-next-commit path (measured: ~4% more reports/s
    // with 16 reports in flight).
    afterCommit: (items, results) => setImmediate(wakeAfterCommitSafely, items, results),
  });
}

/** Runs outside GroupCommit's guard (deferred), so it keeps its own: nothing here may crash the process. */
function wakeAfterCommitSafely(items: readonly PreparedIngest[], results: readonly RowResult[]): void {
  try {
    wakeAfterCommit(items, results);
  } catch {
    // The rows are committed; the relay's scans and the runner's polls find what this missed.
  }
}

/**
 * After a batch commits: hand its deliveries to the queue, or else send one wake-up per notifier
 * naming the new rows so the relay or runner fetches them by key. Neither is awaited by the
 * callers: the rows are durable, and what these miss the relay's scans and the runner's polls find.
 */
function wakeAfterCommit(items: readonly PreparedIngest[], results: readonly RowResult[]): void {
  const handed = new Map<DeliveryHandoff, HandedDelivery[]>();
  const woken = new Map<DeliveryNotifier, string[]>();
  items.forEach((item, i) => {
    const written = results[i]?.deliveries ?? [];
    if (written.length === 0) return;
    if (item.handoff) {
      const list = handed.get(item.handoff) ?? [];
      handed.set(item.handoff, list);
      const body = bodyOf(item.row);
      for (const d of written) {
        if (d.data_gateway_url === null) continue; // ingest only writes rows for receiving platforms
        const prepared = firstAttempt(item.row, body, d, d.data_gateway_url);
        // Without a webhookSecret yet (see signingSecrets) the relay's scan queues it later.
        if (prepared) list.push({ deliveryId: d.id, prepared });
      }
    } else if (item.notifier) {
      const list = woken.get(item.notifier) ?? [];
      woken.set(item.notifier, list);
      for (const d of written) list.push(d.id);
    }
  });
  // A failed hand-off is not followed by a NOTIFY: a relay pass could then queue, send and settle a
  // row before the timed-out add lands with a prepared request young enough to be sent again. The
  // scan only takes rows older than the prepared requests' maximum age (see DeliveryHandoff).
  for (const [h, list] of handed) h.hand(list).catch(() => false); // never rejects, by contract; still guarded
  for (const [n, ids] of woken) for (const payload of idsPayloads(ids)) void wakeDelivery(n, payload);
}

/** A new row's first attempt: attempt 1 (the row has none yet), due when ingest scheduled it. */
function firstAttempt(
  row: IngestRow,
  body: string,
  d: WrittenDelivery,
  url: string,
): PreparedAttempt | undefined {
  const secrets = secretsOf(d);
  if (!secrets) return undefined;
  return {
    attempt: 1,
    dueAt: Date.parse(row.first_attempt_at),
    // The row's creation time, not now: the scan's age cut-off and the prepared request's maximum
    // age are measured from the same instant, so the request is never younger than the row.
    preparedAt: Date.parse(row.received_at),
    platId: d.plat_id,
    url,
    body,
    requestId: row.request_id,
    secrets,
    ...(d.sandbox ? { sandbox: true } : {}),
  };
}

/**
 * The report as the relay and a claim build it from the stored row (timestamp: reported_at, else
 * received_at). DeviceStatus keeps the vendor's key order here, where the stored jsonb reorders
 * keys: the same JSON either way, and every attempt is signed as sent.
 */
function bodyOf(row: IngestRow): string {
  return reportBody({
    udeviceId: row.udevice_id,
    dataType: row.data_type,
    deviceStatus: row.device_status,
    timestamp: String(Date.parse(row.reported_at ?? row.received_at)),
    source: row.source,
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
  const reportedAt = reportedAtOf(report.timestamp);
  return {
    notifier: input.notifier,
    handoff: input.handoff,
    row: {
      udevice_id: report.udeviceId,
      vendor_plat_id: vendorPlatId,
      data_type: report.dataType,
      device_status: status,
      reported_at: reportedAt?.toISOString() ?? null,
      received_at: at,
      request_id: input.requestId ?? null,
      source: input.source ?? null,
      attrs: report.dataType === "attr" ? status : {},
      online: online ?? null,
      last_alarm: isAlarm ? status : null,
      last_alarm_at: isAlarm ? at : null,
      id_prefix: `msg_${now.getTime().toString(36).padStart(10, "0")}`,
      first_attempt_at: nextAttemptAt.toISOString(),
    },
  };
}
