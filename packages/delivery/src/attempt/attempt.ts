import { nextRetryDelay, parseRetryAfter } from "../backoff.ts";
import { endpointKey } from "../endpoint-gate.ts";
import { reportBody } from "../report.ts";
import { claimBatched, recordBatched } from "./batched.ts";
import type { DeliveryContext } from "./context.ts";
import type { HttpAttemptResult } from "./http.ts";
import { cachedSecret } from "./secret-cache.ts";
import { webhookHeaders } from "./signing.ts";
import { type AttemptTarget, disableGateway, killWithoutAttempt, peekState, unclaim } from "./store.ts";

export type AttemptOutcome =
  /** Nothing to do: delivered, dead, deleted, or another worker owns the attempt. */
  | { kind: "settled"; status: string }
  /** The row is scheduled later than now (lease of a running attempt, or a postponement). */
  | { kind: "not-due"; at: Date }
  /** Breaker open or endpoint busy: moved to `at` without counting an attempt. */
  | { kind: "postponed"; at: Date; reason: string }
  | { kind: "delivered"; attempt: number }
  | { kind: "retry"; attempt: number; at: Date; error: string }
  | { kind: "dead"; attempt: number; error: string };

/** Tolerance for clock rounding between the job's delay and the row's nextAttemptAt. */
const DUE_SLACK_MS = 5;

/**
 * One delivery attempt, shared by the BullMQ worker and the in-process runner: the row decides
 * whether an attempt is due, so both modes keep the same schedule, records and dead state.
 */
export async function attemptDelivery(ctx: DeliveryContext, deliveryId: string): Promise<AttemptOutcome> {
  const startedAt = new Date(ctx.now());
  const target = await claimBatched(ctx.db, {
    id: deliveryId,
    dueBy: new Date(startedAt.getTime() + DUE_SLACK_MS),
    leaseUntil: new Date(startedAt.getTime() + ctx.config.leaseMs),
  });
  if (!target) {
    // Not claimable: settled, deleted, or scheduled later (a running attempt's lease, a postponement).
    const state = await peekState(ctx.db, deliveryId);
    if (!state) return { kind: "settled", status: "missing" };
    if (state.status === "delivered" || state.status === "dead")
      return { kind: "settled", status: state.status };
    return { kind: "not-due", at: state.nextAttemptAt };
  }
  const attempt = target.attempts;

  if (!target.dataGatewayUrl || target.dataGatewayDisabledAt) {
    const error = target.dataGatewayUrl
      ? `platform ${target.platId}: dataGateway disabled since ${target.dataGatewayDisabledAt?.toISOString()} (it answered 410 Gone); replay after re-enabling it`
      : `platform ${target.platId} has no dataGatewayUrl`;
    await killWithoutAttempt(ctx.db, deliveryId, attempt, error);
    return { kind: "dead", attempt: attempt - 1, error };
  }

  const gate = await ctx.gates.acquire(endpointKey(target.dataGatewayUrl));
  if (!gate.ok) {
    const at = new Date(gate.retryAt);
    await unclaim(ctx.db, deliveryId, attempt, at);
    ctx.observer?.attempt({ platId: target.platId, outcome: "postponed" });
    return { kind: "postponed", at, reason: gate.reason };
  }

  let verdict: "success" | "failure" | "abandoned" = "abandoned";
  try {
    const sentAt = new Date(ctx.now());
    const res = await send(ctx, target, deliveryId, sentAt);
    const durationMs = ctx.now() - sentAt.getTime();
    const ok = res.status !== undefined && res.status >= 200 && res.status < 300 && res.retCode === "200";
    // Breaker health: did the endpoint answer sanely? A business "500" RetCode is not an outage.
    verdict =
      ok || (res.status !== undefined && res.status < 500 && res.status !== 429) ? "success" : "failure";
    const outcome = await settle(ctx, target, attempt, sentAt, durationMs, res, ok);
    if (outcome.kind === "delivered" || outcome.kind === "retry" || outcome.kind === "dead") {
      ctx.observer?.attempt({ platId: target.platId, outcome: outcome.kind, durationMs });
      const fields = {
        deliveryId,
        requestId: target.requestId,
        platId: target.platId,
        attempt,
        outcome: outcome.kind,
        durationMs,
        httpStatus: res.status,
      };
      if (outcome.kind === "delivered") ctx.log.info(fields, "delivery attempt");
      else
        ctx.log.warn(
          { ...fields, error: "error" in outcome ? outcome.error : undefined },
          "delivery attempt failed",
        );
    }
    return outcome;
  } finally {
    gate.release(verdict);
  }
}

async function send(
  ctx: DeliveryContext,
  t: AttemptTarget,
  id: string,
  at: Date,
): Promise<HttpAttemptResult> {
  const body = reportBody({
    udeviceId: t.udeviceId,
    dataType: t.dataType,
    deviceStatus: t.deviceStatus,
    timestamp: String((t.reportedAt ?? t.receivedAt).getTime()),
  });
  const secrets = [cachedSecret(ctx.keyring, t.secretCiphertext, t.secretKeyId)];
  if (
    t.previousSecretCiphertext &&
    t.previousSecretKeyId &&
    t.previousSecretExpiresAt &&
    t.previousSecretExpiresAt.getTime() > at.getTime()
  ) {
    secrets.push(cachedSecret(ctx.keyring, t.previousSecretCiphertext, t.previousSecretKeyId));
  }
  const headers = {
    "content-type": "application/json;charset=UTF-8",
    platid: ctx.config.hubPlatId,
    // The request id of the push that brought the report: one id from vendor to receiver.
    ...(t.requestId ? { "x-request-id": t.requestId } : {}),
    ...webhookHeaders(id, at, body, secrets),
  };
  // dataGatewayUrl is non-null here: checked by the caller before taking the gate.
  return ctx.http.post(t.dataGatewayUrl ?? "", headers, body, ctx.config.timeoutMs);
}

function errorText(res: HttpAttemptResult): string {
  if (res.error) return res.error;
  if (res.status !== undefined && (res.status < 200 || res.status >= 300)) return `HTTP ${res.status}`;
  return res.retCode === undefined ? "response body has no RetCode" : `RetCode "${res.retCode}"`;
}

async function settle(
  ctx: DeliveryContext,
  t: AttemptTarget,
  attempt: number,
  startedAt: Date,
  durationMs: number,
  res: HttpAttemptResult,
  ok: boolean,
): Promise<AttemptOutcome> {
  const rec = {
    deliveryId: t.id,
    attempt,
    startedAt,
    durationMs,
    httpStatus: res.status ?? null,
    retCode: res.retCode ?? null,
    error: ok ? null : errorText(res),
  };
  const now = new Date(ctx.now());
  if (ok) {
    await recordBatched(ctx.db, rec, {
      status: "delivered",
      nextAttemptAt: now,
      lastError: null,
      lastHttpStatus: rec.httpStatus,
      deliveredAt: now,
    });
    return { kind: "delivered", attempt };
  }
  if (res.status === 410) {
    const error = `HTTP 410 Gone: the platform's dataGateway is disabled until an operator re-enables it`;
    await disableGateway(ctx.db, t.platId, now);
    await recordBatched(ctx.db, rec, {
      status: "dead",
      nextAttemptAt: now,
      lastError: error,
      lastHttpStatus: 410,
      deliveredAt: null,
    });
    ctx.log.warn({ deliveryId: t.id, platId: t.platId }, "dataGateway answered 410: disabled");
    return { kind: "dead", attempt, error };
  }
  const error = rec.error ?? "failed";
  const delay = nextRetryDelay(
    {
      schedule: ctx.config.backoff,
      jitterRatio: ctx.config.jitterRatio,
      maxRetryAfterMs: ctx.config.maxRetryAfterMs,
    },
    attempt,
    parseRetryAfter(res.retryAfter, now.getTime()),
  );
  const dead = delay === "dead";
  const at = new Date(now.getTime() + (dead ? 0 : delay));
  await recordBatched(ctx.db, rec, {
    status: dead ? "dead" : "failed",
    nextAttemptAt: at,
    lastError: error,
    lastHttpStatus: rec.httpStatus,
    deliveredAt: null,
  });
  return dead ? { kind: "dead", attempt, error } : { kind: "retry", attempt, at, error };
}
