import { nextRetryDelay, parseRetryAfter } from "../backoff.ts";
import { endpointKey } from "../endpoint-gate.ts";
import type { PreparedAttempt } from "../jobs.ts";
import { signingSecrets } from "../prepared.ts";
import { reportBody } from "../report.ts";
import { claimBatched, recordBatched } from "./batched.ts";
import type { DeliveryContext } from "./context.ts";
import type { HttpAttemptResult } from "./http.ts";
import { cachedSecret } from "./secret-cache.ts";
import { webhookHeaders } from "./signing.ts";
import {
  type AttemptTarget,
  disableGateway,
  killWithoutAttempt,
  peekState,
  postpone,
  unclaim,
} from "./store.ts";

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
 * A prepared request older than this is not sent; the attempt claims the row and reads the
 * platform afresh instead. It bounds how long a changed receiver URL, a rotated secret or a
 * disabled gateway can go unseen to about what an attempt in flight could always miss (a claim
 * read just before the change, then up to the request timeout).
 */
export const PREPARED_MAX_AGE_MS = 5_000;

/** One attempt's request, whichever way it was obtained. */
interface Sendable {
  id: string;
  platId: string;
  url: string;
  body: string;
  requestId: string | null;
  secrets: PreparedAttempt["secrets"];
  /** To a sandbox platform: labelled `Yunlian-Sandbox: 1`. */
  sandbox?: boolean;
  attempt: number;
  /**
   * Whether a claim counted this attempt and leased the row (`attempts` = attempt already), or it
   * is a prepared first attempt the record will count (`attempts` = attempt − 1 until then).
   */
  claimed: boolean;
}

/**
 * One delivery attempt, shared by the BullMQ worker and the in-process runner: the row decides
 * whether an attempt is due, so both modes keep the same schedule, records and dead state.
 *
 * `prepared` (BullMQ mode, a job's first run only) is the request the relay read when it queued
 * the row: the attempt is then sent without claiming the row first, and its record applies only if
 * the row still has `attempt − 1` attempts. The BullMQ job (one per delivery id, locked while it
 * runs) is what keeps a second worker off it meanwhile; the row's lease covers every later run.
 */
export async function attemptDelivery(
  ctx: DeliveryContext,
  deliveryId: string,
  prepared?: PreparedAttempt,
): Promise<AttemptOutcome> {
  const startedAt = new Date(ctx.now());
  const now = startedAt.getTime();
  if (
    prepared &&
    prepared.dueAt <= now + DUE_SLACK_MS &&
    now - prepared.preparedAt <= PREPARED_MAX_AGE_MS &&
    !ctx.gone.has(prepared.platId)
  ) {
    return send(ctx, { ...prepared, id: deliveryId, claimed: false });
  }
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
  const secrets = signingSecrets(target.webhookSecretCiphertext, target.webhookSecretKeyId, {
    ciphertext: target.previousWebhookSecretCiphertext,
    keyId: target.previousWebhookSecretKeyId,
    expiresAt: target.previousWebhookSecretExpiresAt,
  });
  if (!secrets) {
    // A platform row from before webhookSecrets (migration 0005) that no hub has loaded yet: the
    // hub fills it in at start. Never sent unsigned or signed with the appSecret; no attempt counted.
    const at = new Date(startedAt.getTime() + NO_WEBHOOK_SECRET_WAIT_MS);
    await unclaim(ctx.db, deliveryId, attempt, at);
    ctx.log.warn({ deliveryId, platId: target.platId }, "platform has no webhookSecret yet: delivery waits");
    return { kind: "postponed", at, reason: "the platform has no webhookSecret yet" };
  }
  return send(ctx, fromClaim(target, target.dataGatewayUrl, secrets));
}

/** How long a delivery to a platform without a webhookSecret waits before it looks again. */
const NO_WEBHOOK_SECRET_WAIT_MS = 60_000;

function fromClaim(t: AttemptTarget, url: string, secrets: PreparedAttempt["secrets"]): Sendable {
  return {
    id: t.id,
    platId: t.platId,
    url,
    body: reportBody({
      udeviceId: t.udeviceId,
      dataType: t.dataType,
      deviceStatus: t.deviceStatus,
      timestamp: String((t.reportedAt ?? t.receivedAt).getTime()),
      source: t.source,
    }),
    requestId: t.requestId,
    secrets,
    sandbox: t.sandbox,
    attempt: t.attempts,
    claimed: true,
  };
}

/** Endpoint gate, HTTP request, record: the part both paths share. */
async function send(ctx: DeliveryContext, t: Sendable): Promise<AttemptOutcome> {
  const gate = await ctx.gates.acquire(endpointKey(t.url));
  if (!gate.ok) {
    const at = new Date(gate.retryAt);
    if (t.claimed) await unclaim(ctx.db, t.id, t.attempt, at);
    else await postpone(ctx.db, t.id, t.attempt - 1, at);
    ctx.observer?.attempt({ platId: t.platId, outcome: "postponed" });
    return { kind: "postponed", at, reason: gate.reason };
  }

  let verdict: "success" | "failure" | "abandoned" = "abandoned";
  const sentAt = new Date(ctx.now());
  let res: HttpAttemptResult;
  let ok: boolean;
  try {
    const sent = await post(ctx, t, sentAt);
    res = sent;
    ok = res.status !== undefined && res.status >= 200 && res.status < 300 && res.retCode === "200";
    // Breaker health: did the endpoint answer sanely? A business "500" RetCode is not an outage;
    // an attempt that was never sent (no secret to sign with) says nothing about the endpoint.
    verdict = sent.unsent
      ? "abandoned"
      : ok || (res.status !== undefined && res.status < 500 && res.status !== 429)
        ? "success"
        : "failure";
  } finally {
    // The slot limits requests in flight to the endpoint: it is free once the answer is in, not
    // only after the record is written (that wait held slots idle and capped one endpoint's rate).
    gate.release(verdict);
  }
  const durationMs = ctx.now() - sentAt.getTime();
  const outcome = await settle(ctx, t, sentAt, durationMs, res, ok);
  if (outcome.kind === "delivered" || outcome.kind === "retry" || outcome.kind === "dead") {
    ctx.observer?.attempt({ platId: t.platId, outcome: outcome.kind, durationMs });
    const fields = {
      deliveryId: t.id,
      requestId: t.requestId,
      platId: t.platId,
      attempt: t.attempt,
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
}

async function post(
  ctx: DeliveryContext,
  t: Sendable,
  at: Date,
): Promise<HttpAttemptResult & { unsent?: true }> {
  // Signed now, for this attempt, with the receiver's webhookSecret (docs/design.md §7); a previous
  // one too only while its grace period lasts.
  // A secret that does not decrypt (a key the worker lacks, a value moved from another row) is
  // a failed attempt with that reason, never an unsigned request nor a crash.
  let secrets: string[];
  try {
    secrets = t.secrets
      .filter((s) => s.until === undefined || s.until > at.getTime())
      .map((s) => cachedSecret(ctx.keyring, t.platId, { ...s, previous: s.until !== undefined }));
  } catch (err) {
    return { error: `cannot sign: ${err instanceof Error ? err.message : String(err)}`, unsent: true };
  }
  const headers = {
    "content-type": "application/json;charset=UTF-8",
    platid: ctx.config.hubPlatId,
    // The request id of the push that brought the report: one id from vendor to receiver.
    ...(t.requestId ? { "x-request-id": t.requestId } : {}),
    // A sandbox delivery says so (docs/design.md §7 "Sandbox"): test traffic is never mistaken for live.
    ...(t.sandbox ? { "yunlian-sandbox": "1" } : {}),
    ...webhookHeaders(t.id, at, t.body, secrets),
  };
  return ctx.http.post(t.url, headers, t.body, ctx.config.timeoutMs);
}

function errorText(res: HttpAttemptResult): string {
  if (res.error) return res.error;
  if (res.status !== undefined && (res.status < 200 || res.status >= 300)) return `HTTP ${res.status}`;
  return res.retCode === undefined ? "response body has no RetCode" : `RetCode "${res.retCode}"`;
}

async function settle(
  ctx: DeliveryContext,
  t: Sendable,
  startedAt: Date,
  durationMs: number,
  res: HttpAttemptResult,
  ok: boolean,
): Promise<AttemptOutcome> {
  const { attempt } = t;
  const expectAttempts = t.claimed ? attempt : attempt - 1;
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
      expectAttempts,
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
    ctx.gone.add(t.platId);
    await disableGateway(ctx.db, t.platId, now);
    await recordBatched(ctx.db, rec, {
      expectAttempts,
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
    expectAttempts,
    status: dead ? "dead" : "failed",
    nextAttemptAt: at,
    lastError: error,
    lastHttpStatus: rec.httpStatus,
    deliveredAt: null,
  });
  return dead ? { kind: "dead", attempt, error } : { kind: "retry", attempt, at, error };
}
