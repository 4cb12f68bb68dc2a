import type { Database, DatabaseHandle } from "@yunlian/db";
import {
  attemptCounts,
  getDelivery,
  InvalidCursorError,
  listDeliveries,
  replayDeliveries,
  replayDelivery,
} from "@yunlian/delivery";
import { RetCode } from "@yunlian/protocol";
import type { z } from "zod";
import { HubError, invalid, notFound } from "../../lib/hub-error.ts";
import type { PlatformRegistry } from "../../registry/platform-registry.ts";
import { type Actor, type AuditCtx, audit } from "../audit/audit.ts";
import type { bulkReplayInput, deliveryListQuery } from "./delivery-queries.ts";
import { deliveryView } from "./delivery-queries.ts";
import type { DeliveryRunner } from "./delivery-runner.ts";

/** What the operator's and a platform's view of deliveries use. */
export interface DeliveriesCtx extends AuditCtx {
  db: Database;
  notifier: Pick<DatabaseHandle, "notify">;
  registry: PlatformRegistry;
  delivery: Pick<DeliveryRunner, "kick">;
}

type ListQuery = z.output<typeof deliveryListQuery>;

/** A page of deliveries, newest first (the admin API's and the console's list). */
export async function listDeliveryViews(ctx: Pick<DeliveriesCtx, "db">, q: ListQuery) {
  try {
    const page = await listDeliveries({ db: ctx.db, ...q, udeviceId: q.device });
    const counts = await attemptCounts({ db: ctx.db, ids: page.deliveries.map((d) => d.id) });
    return {
      deliveries: page.deliveries.map((d) => withAttemptCount(d, counts.get(d.id) ?? 0)),
      nextCursor: page.nextCursor,
    };
  } catch (err) {
    if (err instanceof InvalidCursorError) throw invalid(err.message);
    throw err;
  }
}

/**
 * A delivery as the lists show it, with `attempts` = every attempt recorded for it, across
 * replays. The row's own counter is its place in the retry schedule, which a replay starts
 * again: a delivery tried 4 times, replayed, would otherwise show 1 (issue 18). A claimed attempt
 * not yet recorded counts too (the row's counter is ahead then).
 */
function withAttemptCount(d: Parameters<typeof deliveryView>[0], recorded: number) {
  return { ...deliveryView(d), attempts: Math.max(recorded, d.attempts) };
}

/**
 * One delivery with every attempt, oldest first, numbered in time order across replays (1, 2,
 * 3, 4, not 1, 2, 1, 2); 404 when unknown.
 */
export async function deliveryDetail(ctx: Pick<DeliveriesCtx, "db">, id: string) {
  const found = await getDelivery({ db: ctx.db, id });
  if (!found) throw notFound(`delivery ${id} not found`);
  const counted = withAttemptCount(found.delivery, found.attempts.length);
  return {
    ...counted,
    attempts: found.attempts.map((a, i) => ({
      attempt: i + 1,
      startedAt: a.startedAt.toISOString(),
      durationMs: a.durationMs,
      httpStatus: a.httpStatus,
      retCode: a.retCode,
      error: a.error,
    })),
  };
}

/** A failed or dead delivery goes out again (409 for any other status, or once its report expired). Audited. */
export async function replayOne(ctx: DeliveriesCtx, id: string, by: Actor) {
  const result = await replayDelivery({ db: ctx.db, id, notifier: ctx.notifier });
  if (!result.ok && result.reason === "not-found") throw notFound(`delivery ${id} not found`);
  if (!result.ok && result.reason === "report-expired") {
    throw new HubError(
      RetCode.CONFLICT,
      `delivery ${id}: its status report is past HUB_RETENTION_REPORTS, so there is nothing left to send`,
    );
  }
  if (!result.ok) {
    throw new HubError(
      RetCode.CONFLICT,
      `delivery ${id} is ${result.status}: only failed or dead deliveries are replayed`,
    );
  }
  ctx.delivery.kick();
  await audit(ctx, { actor: by.actor, action: "delivery.replay", target: id, outcome: "ok" });
  return { id, status: "pending" as const };
}

/** Every failed or dead delivery of one platform created in a time range goes out again. Audited. */
export async function replaySince(ctx: DeliveriesCtx, input: z.output<typeof bulkReplayInput>, by: Actor) {
  if (!ctx.registry.get(input.platId)) throw notFound(`platform ${input.platId} not found`);
  const replayed = await replayDeliveries({ db: ctx.db, ...input, notifier: ctx.notifier });
  ctx.delivery.kick();
  await audit(ctx, {
    actor: by.actor,
    action: "deliveries.replay",
    target: input.platId,
    outcome: "ok",
    detail: { since: input.since.toISOString(), replayed },
  });
  return { replayed };
}
