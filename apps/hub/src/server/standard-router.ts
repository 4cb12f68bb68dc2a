import type { IncomingMessage, ServerResponse } from "node:http";
import { httpStatusOf, RetCode, retBody } from "@yunlian/protocol";
import type { Logger } from "pino";
import type { CallerRequest } from "../lib/caller-request.ts";
import { answerForError, noSuchInterface } from "../lib/error-answer.ts";
import { ingestSegmentIn } from "../registry/ingest-url.ts";
import type { PlatformRecord } from "../registry/platform-record.ts";
import type { StandardEndpoint } from "../routes/standard/standard-route.ts";
import { type GuardCtx, guardCaller } from "../security/guard-caller.ts";
import { sendJson } from "./answer.ts";
import { answeringPlatform, httpStatusFor } from "./http-status.ts";
import { noteAnswer, type RequestState } from "./request-state.ts";

/**
 * The platform API under /v1: every request is authenticated as the platform it claims to be
 * (and charged to that platform's rate limit) before its body is read as JSON, then served by
 * its endpoint. Answers are `{RetCode, RetInfo, …}` with the HTTP status mirroring RetCode, or
 * HTTP 200 for a platform registered with `httpStatus: "always200"` (docs/design.md §3.3,
 * http-status.ts says whose setting applies before the caller is authenticated).
 */
export class StandardRouter {
  private readonly byPath = new Map<string, StandardEndpoint[]>();
  /** The endpoints served at every vendor's ingestUrl (INGEST_PATH + its secret segment). */
  private readonly atIngestUrls: StandardEndpoint[] = [];
  /** Endpoints whose path has `:name` segments (GET /v1/models/:deviceType), matched in order. */
  private readonly patterned: { segments: string[]; endpoint: StandardEndpoint }[] = [];

  constructor(
    endpoints: readonly StandardEndpoint[],
    private readonly guard: GuardCtx,
    private readonly log: Logger,
  ) {
    for (const e of endpoints) {
      if (e.atIngestUrls) {
        this.atIngestUrls.push(e);
        continue;
      }
      if (e.path.includes("/:")) {
        this.patterned.push({ segments: e.path.split("/"), endpoint: e });
        continue;
      }
      const same = this.byPath.get(e.path);
      if (same) same.push(e);
      else this.byPath.set(e.path, [e]);
    }
  }

  owns(path: string): boolean {
    return path === "/v1" || path.startsWith("/v1/");
  }

  /** The endpoints (for the OpenAPI coverage test and the 405 answers' Allow header). */
  routes(): { method: string; path: string }[] {
    return [...this.byPath.values(), this.atIngestUrls, this.patterned.map((p) => p.endpoint)]
      .flat()
      .map((e) => ({ method: e.method, path: e.path }));
  }

  /** The endpoints of the first pattern `path` matches, its parameters put in `params`. */
  private matchPattern(path: string, params: Record<string, string>): StandardEndpoint[] | undefined {
    for (const { segments } of this.patterned) {
      const found = matchSegments(segments, path);
      if (!found) continue;
      Object.assign(params, found);
      const key = segments.join("/");
      return this.patterned.filter((p) => p.segments.join("/") === key).map((p) => p.endpoint);
    }
    return undefined;
  }

  async serve(state: RequestState, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const ingestSegment = ingestSegmentIn(path);
    const params: Record<string, string> = {};
    const candidates =
      this.byPath.get(path) ??
      (ingestSegment === undefined ? this.matchPattern(path, params) : this.atIngestUrls);
    const endpoint = candidates?.find((e) => e.method === req.method);
    let status: number;
    let body: unknown;
    let headers: Record<string, string> = {};
    let platform: PlatformRecord | undefined;
    if (!candidates) {
      ({ status, body } = { status: 404, body: noSuchInterface(req.method ?? "", path) });
    } else if (!endpoint) {
      const allow = candidates.map((e) => e.method).join(", ");
      status = 405;
      body = retBody(RetCode.METHOD_NOT_ALLOWED, `${req.method} is not allowed here; use ${allow}`);
      headers = { Allow: allow };
    } else {
      state.route = endpoint.path;
      const caller: CallerRequest = {
        method: req.method ?? "",
        path: req.url ?? path,
        headers: req.headers,
        rawBody: state.rawBody,
        socket: req.socket,
        trace: state.trace,
      };
      try {
        const common = state.common;
        state.platId = common.platId;
        // Authenticated (failures audited) and charged to its rate limit before the body is parsed.
        platform = await guardCaller(
          this.guard,
          caller,
          common,
          "standard",
          endpoint.atIngestUrls ? ingestSegment : undefined,
        );
        state.authenticatedPlatId = platform.platId;
        const answer = await endpoint.serve({ platform, headers: common, caller, params });
        status = httpStatusOf(answer.body.RetCode);
        body = answer.body;
        headers = answer.headers ?? {};
      } catch (err) {
        ({ status, body, headers } = answerForError(err, this.log, {
          requestId: state.trace.requestId,
          path,
        }));
      }
    }
    // Noted before always200 rewrites the status: the log says what the RetCode says.
    noteAnswer(state, status, body);
    status = httpStatusFor(status, answeringPlatform(this.guard.registry, platform, state.common.platId));
    try {
      sendJson(res, status, body, state.trace.requestId, headers);
    } catch (err) {
      this.log.error({ err, requestId: state.trace.requestId }, "could not send an answer");
      res.destroy();
    }
  }
}

/** The values of `pattern`'s `:name` segments (`/v1/models/:deviceType`) in `path`, or undefined when the path does not match. */
function matchSegments(pattern: readonly string[], path: string): Record<string, string> | undefined {
  const parts = path.split("/");
  if (parts.length !== pattern.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, want] of pattern.entries()) {
    const got = parts[i] ?? "";
    if (want.startsWith(":")) {
      if (got === "") return undefined;
      params[want.slice(1)] = decodedSegment(got);
    } else if (got !== want) return undefined;
  }
  return params;
}

/** A path segment percent-decoded, or as it came when it is not well-formed (the endpoint then refuses it). */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
