import {
  type ApiName,
  type apis,
  type CommonHeaders,
  parseRequestBody,
  RetCode,
  retBody,
} from "@yunlian/protocol";
import type { z } from "zod";
import type { CallerRequest } from "../../lib/caller-request.ts";
import { HubError } from "../../lib/hub-error.ts";
import type { RequestTrace } from "../../observability/request-context.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import {
  type IdempotencyCtx,
  idempotencyKeyOf,
  withIdempotency,
} from "../../services/commands/idempotency.ts";

type RequestBody<K extends ApiName> = z.output<(typeof apis)[K]["request"]>;

/** An authenticated platform request, as the StandardRouter hands it to an endpoint. */
interface PlatformCall {
  platform: PlatformRecord;
  /** The standard's header parameters, normalised (both spellings, trimmed). */
  headers: CommonHeaders;
  caller: CallerRequest;
  /** The values of the path's `:name` segments (an endpoint whose path has some). */
  params: Readonly<Record<string, string>>;
}

/** What an endpoint built with `standardEndpoint` receives: the body parsed and validated. */
export interface StandardRequest<K extends ApiName> {
  platform: PlatformRecord;
  headers: CommonHeaders;
  body: RequestBody<K>;
  trace: RequestTrace;
  /** The request's headers as received (lower-case names), for the extensions' headers (Cache-Control). */
  requestHeaders: CallerRequest["headers"];
}

export interface StandardAnswer {
  body: { RetCode: RetCode; RetInfo: string } & Record<string, unknown>;
  headers?: Record<string, string>;
}

/** One interface of the platform API (served by server/standard-router.ts). */
export interface StandardEndpoint {
  method: "POST" | "GET";
  /** The path; for an endpoint `atIngestUrls`, its pattern (`…/:ingestSegment`), for docs and metrics. */
  path: string;
  /**
   * Served at every vendor's ingestUrl (INGEST_PATH + a secret segment): the segment, not a PlatID
   * header, names the caller (docs/design.md §7).
   */
  atIngestUrls?: boolean;
  serve(call: PlatformCall): Promise<StandardAnswer>;
}

/**
 * One POST interface of the standard: the body parsed leniently and validated against the
 * standard's schema (400 naming the field), then the handler; the router has authenticated
 * the caller before and mirrors RetCode in the HTTP status after. With `idempotency`, a request
 * carrying an `Idempotency-Key` header is served once per platform and key (docs/design.md §7):
 * its answer, a refusal included, is kept and answered again.
 */
export function standardEndpoint<K extends ApiName>(
  path: string,
  api: K,
  handle: (req: StandardRequest<K>) => Promise<StandardAnswer>,
  opts: { idempotency?: IdempotencyCtx } = {},
): StandardEndpoint {
  return {
    method: "POST",
    path,
    // Not async: a body the schema refuses throws here, inside the router's try, as a rejection
    // would; the usual request then makes one promise fewer.
    serve({ platform, headers, caller }) {
      const key = opts.idempotency ? idempotencyKeyOf(caller.headers) : undefined;
      const parsed = parseRequestBody(api, caller.rawBody, headers);
      if (!parsed.ok) throw new HubError(RetCode.INVALID, parsed.retInfo);
      const serve = () =>
        handle({
          platform,
          headers: parsed.headers,
          body: parsed.body as RequestBody<K>,
          trace: caller.trace,
          requestHeaders: caller.headers,
        });
      if (!opts.idempotency || key === undefined) return serve();
      return withIdempotency(
        opts.idempotency,
        { platId: platform.platId, key, path, body: parsed.body },
        () => serve().catch(answerOfHubError),
      );
    },
  };
}

/** A refusal is the request's answer too (kept for its repeats); anything else is not an answer. */
function answerOfHubError(err: unknown): StandardAnswer {
  if (err instanceof HubError)
    return { body: retBody(err.retCode, err.message, err.extra), headers: err.headers };
  throw err;
}

/** RetCode "200" with RetInfo "ok", or the first vendor failure's code and every failure's reason. */
export function mergedAnswer(
  failures: readonly { retCode: RetCode; info: string; deviceIds: string[] }[],
  extra: Record<string, unknown> = {},
): StandardAnswer {
  const first = failures[0];
  if (!first) return { body: retBody(RetCode.OK, "ok", extra) };
  return {
    body: retBody(first.retCode, failures.map((f) => f.info).join("; "), {
      ...extra,
      FailedIDs: failures.flatMap((f) => f.deviceIds),
    }),
  };
}
