import { type Database, type OpStatus, opDevices, ops } from "@yunlian/db";
import { and, asc, eq, gte } from "drizzle-orm";
import { type OpsCtx, opIssuedAt, opRecordWritten } from "./op-tracking.ts";

export interface OpView {
  OpID: string;
  Status: OpStatus;
  Device: { deviceID: string; Status: OpStatus }[];
}

/**
 * An op as its sender sees it, or undefined for anyone else (another platform or user: the caller
 * cannot tell it from a missing op) and for an op older than HUB_RETENTION_OPS (its day's partition
 * is dropped later, at the next retention run past the whole day). A pending device past its
 * deadline reads as timeout before the sweeper has written it.
 */
async function readOp(
  ctx: { db: Database; now: () => Date; retentionMs: number },
  who: { platId: string; userId: string },
  opId: string,
): Promise<OpView | undefined> {
  const rows = await ctx.db
    .select({
      platId: ops.platId,
      userId: ops.userId,
      udeviceId: opDevices.udeviceId,
      status: opDevices.status,
      deadline: opDevices.deadline,
    })
    .from(ops)
    // created_at on both sides: the device rows are looked up in the op's own partition only.
    .innerJoin(opDevices, and(eq(opDevices.opId, ops.opId), eq(opDevices.createdAt, ops.createdAt)))
    // Partitions wholly older than the cutoff are not searched either.
    .where(and(eq(ops.opId, opId), gte(ops.createdAt, new Date(ctx.now().getTime() - ctx.retentionMs))))
    .orderBy(asc(opDevices.ord));
  const first = rows[0];
  if (!first || first.platId !== who.platId || first.userId !== who.userId) return undefined;
  const now = ctx.now();
  const devices = rows.map((r) => ({
    deviceID: r.udeviceId,
    Status: r.status === "pending" && r.deadline <= now ? ("timeout" as const) : r.status,
  }));
  return { OpID: opId, Status: opStatusOf(devices.map((d) => d.Status)), Device: devices };
}

/** docs/design.md §7: confirmed when every device is, failed when any failed, timeout when time ran out. */
function opStatusOf(devices: readonly OpStatus[]): OpStatus {
  if (devices.some((s) => s === "failed")) return "failed";
  if (devices.every((s) => s === "confirmed")) return "confirmed";
  if (devices.some((s) => s === "timeout")) return "timeout";
  return "pending";
}

/**
 * How long after its OpID was issued an op may still be on its way to the database: devices/op
 * answers before its record is written (docs/adr/0010), which takes one linger and one statement,
 * and the app may ask another hub instance at once.
 */
const RECORD_GRACE_MS = 2000;
const GRACE_READS = 8;

/**
 * readOp for GET /v1/ops: an op this instance is still writing is read once written; a recent
 * OpID not found yet (written by another instance) is read again a few times, 10 ms doubling,
 * until the grace ends. Anything else answers at once.
 */
export async function readOpWaiting(
  ctx: OpsCtx,
  who: { platId: string; userId: string },
  opId: string,
): Promise<OpView | undefined> {
  await opRecordWritten(ctx, opId);
  let op = await readOp(ctx, who, opId);
  const issued = opIssuedAt(opId);
  if (op || issued === undefined) return op;
  let wait = 10;
  for (let read = 1; !op && read < GRACE_READS && ctx.now().getTime() - issued < RECORD_GRACE_MS; read++) {
    await new Promise((r) => setTimeout(r, wait));
    wait *= 2;
    op = await readOp(ctx, who, opId);
  }
  return op;
}
