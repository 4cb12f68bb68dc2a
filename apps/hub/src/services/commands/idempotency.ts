import { setTimeout as sleep } from "node:timers/promises";
import { type Database, idempotencyKeys } from "@yunlian/db";
import type { RetCode } from "@yunlian/protocol";
import { sha256Hex } from "@yunlian/secrets";
import { and, eq, isNull, lte, or } from "drizzle-orm";
import { conflict, invalid } from "../../lib/hub-error.ts";
import { canonicalJson } from "./canonical-json.ts";

/** How long the first answer is kept (docs/design.md §7). */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A claim still without an answer after this long belongs to a hub that died mid-request: the
 * next request with the key takes it over. Far above any request's lifetime (HUB_REQUEST_TIMEOUT_MS).
 */
const ABANDONED_CLAIM_MS = 2 * 60 * 1000;
/** A repeat waits for the first request's answer at most this long, polling with backoff. */
const MAX_WAIT_MS = ABANDONED_CLAIM_MS;

/** 1–128 printable ASCII characters (docs/design.md §7). */
const KEY = /^[\x20-\x7e]{1,128}$/;

export interface IdempotencyCtx {
  db: Database;
  now: () => Date;
}

/** What the endpoint answers: the body is what is kept and answered again. */
interface Answer {
  body: { RetCode: RetCode; RetInfo: string } & Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The request's `Idempotency-Key` header, validated (400 otherwise); undefined when absent. */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const raw = headers["idempotency-key"];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw.join(", ") : raw;
  if (!KEY.test(key)) throw invalid("Idempotency-Key: must be 1-128 printable ASCII characters");
  return key;
}

/**
 * Runs `serve` once per platform and key (docs/adr/0010): the first request claims the key in
 * PostgreSQL (the primary key makes the claim atomic across hub instances) before any vendor is
 * called, and stores its answer; a repeat with the same interface and normalised body gets that
 * answer (header `Idempotent-Replayed: true`), waiting while the first is still in flight; a
 * repeat with another body is 409. A request that fails without an answer (a bug, the database
 * gone) releases its claim so that a retry can run.
 */
export async function withIdempotency(
  ctx: IdempotencyCtx,
  request: { platId: string; key: string; path: string; body: unknown },
  serve: () => Promise<Answer>,
): Promise<Answer> {
  const requestHash = sha256Hex(`${request.path}\n${canonicalJson(request.body)}`);
  const { platId, key } = request;
  const started = Date.now();
  for (let wait = 10; ; wait = Math.min(wait * 2, 250)) {
    if (await claim(ctx, platId, key, requestHash)) return serveAndKeep(ctx, platId, key, serve);
    const [row] = await ctx.db
      .select({ requestHash: idempotencyKeys.requestHash, answer: idempotencyKeys.answer })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.platId, platId), eq(idempotencyKeys.key, key)));
    if (!row) continue; // released or expired and swept meanwhile: claim again
    if (row.requestHash !== requestHash) {
      throw conflict(`Idempotency-Key ${JSON.stringify(key)} was already used with a different request`);
    }
    if (row.answer) {
      return { body: row.answer as Answer["body"], headers: { "Idempotent-Replayed": "true" } };
    }
    if (Date.now() - started > MAX_WAIT_MS) {
      throw conflict(`the request with Idempotency-Key ${JSON.stringify(key)} is still being served`);
    }
    await sleep(wait);
  }
}

/** Inserts the claim, or takes over an expired or abandoned one; true when this request owns the key. */
async function claim(ctx: IdempotencyCtx, platId: string, key: string, requestHash: string) {
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + IDEMPOTENCY_TTL_MS);
  const abandonedBefore = new Date(now.getTime() - ABANDONED_CLAIM_MS);
  const claimed = await ctx.db
    .insert(idempotencyKeys)
    .values({ platId, key, requestHash, createdAt: now, expiresAt })
    .onConflictDoUpdate({
      target: [idempotencyKeys.platId, idempotencyKeys.key],
      set: { requestHash, answer: null, createdAt: now, expiresAt },
      where: or(
        lte(idempotencyKeys.expiresAt, now),
        and(isNull(idempotencyKeys.answer), lte(idempotencyKeys.createdAt, abandonedBefore)),
      ),
    })
    .returning({ key: idempotencyKeys.key });
  return claimed.length > 0;
}

async function serveAndKeep(
  ctx: IdempotencyCtx,
  platId: string,
  key: string,
  serve: () => Promise<Answer>,
): Promise<Answer> {
  let answer: Answer;
  try {
    answer = await serve();
  } catch (err) {
    // Not an answer (HubErrors are turned into answers by the caller): let a retry run.
    await ctx.db
      .delete(idempotencyKeys)
      .where(
        and(eq(idempotencyKeys.platId, platId), eq(idempotencyKeys.key, key), isNull(idempotencyKeys.answer)),
      )
      .catch(() => {});
    throw err;
  }
  await ctx.db
    .update(idempotencyKeys)
    .set({ answer: answer.body })
    .where(and(eq(idempotencyKeys.platId, platId), eq(idempotencyKeys.key, key)));
  return answer;
}

/** Deletes expired keys (the op sweeper calls it now and then); answers how many went. */
export async function deleteExpiredKeys(ctx: IdempotencyCtx): Promise<number> {
  const gone = await ctx.db
    .delete(idempotencyKeys)
    .where(lte(idempotencyKeys.expiresAt, ctx.now()))
    .returning({ key: idempotencyKeys.key });
  return gone.length;
}
