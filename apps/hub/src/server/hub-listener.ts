import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { overlongHeaderMessage, RetCode, readCommonHeaders, retBody } from "@yunlian/protocol";
import type { Logger } from "pino";
import { type RequestRecorder, recordRequest } from "../observability/observe-requests.ts";
import { loggablePath } from "../registry/ingest-url.ts";
import type { UnauthBudgetLike } from "../security/unauth-budget.ts";
import { sendJson } from "./answer.ts";
import { mayHaveBody, readBody, tooLargeBody } from "./read-body.ts";
import { beginRequest, noteAnswer, type RequestState } from "./request-state.ts";
import type { StandardRouter } from "./standard-router.ts";

export interface HubListenerOptions {
  /** The platform API under /v1 (standard-router.ts). */
  standard: StandardRouter;
  /** Everything else: the Hono app (admin API, self-service, console, docs, health, metrics). */
  app: RequestListener;
  maxBodyBytes: number;
  recorder: RequestRecorder;
  log: Logger;
  /** Failed authentications per client address: an exhausted one is refused here, first. */
  unauthBudget: UnauthBudgetLike;
}

/**
 * The hub's one request listener (what `pnpm start`, the tests, the demo and the benchmarks
 * serve). Every request passes the same steps here, whichever route answers it: a request id
 * and trace, the body read once under the size limit (413 otherwise), then the route — the
 * platform API under /v1 is served by the StandardRouter, the rest by the Hono app — and one
 * log line and metric per request. Why /v1 bypasses Hono: docs/adr/0008-one-request-pipeline.md.
 */
export function hubListener(options: HubListenerOptions): RequestListener {
  return (req, res) => {
    serve(options, req, res).catch((err: unknown) => {
      options.log.error({ err }, "request failed outside any route");
      if (!res.headersSent) res.destroy();
    });
  };
}

async function serve(o: HubListenerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const state = beginRequest(req);
  // A client that failed authentication too often waits, whatever it asks (but /health, which
  // a load balancer behind the same address must reach): nothing else is done for it.
  const wait = o.unauthBudget.refusal(req);
  if (wait > 0 && pathOf(req.url) !== "/health") {
    const seconds = Math.max(1, Math.ceil(wait / 1000));
    const info = `too many failed authentications from this address: retry after ${seconds} s`;
    atTheDoor(state, res, 429, retBody(RetCode.RATE_LIMITED, info), {
      "Retry-After": String(seconds),
      connection: "close",
    });
    return finish(o, state, req, res);
  }
  // Before anything reads a header (authentication, normalisation): nothing may cost more than a
  // header of a sane length (issue 14). 400 naming the header, for every route, charged to the
  // client's unauthenticated budget like a failed authentication.
  // Read once here, caps and values in one pass; every route that needs them reads state.common.
  const common = readCommonHeaders(req.headers);
  if (!common.ok) {
    atTheDoor(state, res, 400, retBody(RetCode.INVALID, overlongHeaderMessage(common.overlong)));
    finish(o, state, req, res);
    return o.unauthBudget.charge(req);
  }
  state.common = common.headers;
  if (mayHaveBody(req.method)) {
    let body: Buffer | undefined;
    try {
      body = await readBody(req, o.maxBodyBytes);
    } catch {
      // The client went away while sending: nobody is left to answer.
      req.destroy();
      return;
    }
    if (body === undefined) {
      atTheDoor(state, res, 413, tooLargeBody(o.maxBodyBytes), { connection: "close" });
      return finish(o, state, req, res);
    }
    state.rawBody = body.toString("utf8");
    // @hono/node-server builds the web Request's body from `rawBody` instead of the stream.
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
  }
  const path = pathOf(req.url);
  if (o.standard.owns(path)) await o.standard.serve(state, req, res, path);
  else {
    res.setHeader("x-request-id", state.trace.requestId);
    await o.app(req, res);
  }
  finish(o, state, req, res);
}

/** An answer the listener gives before any route runs, remembered for the request's log line. */
function atTheDoor(
  state: RequestState,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  noteAnswer(state, status, body);
  sendJson(res, status, body, state.trace.requestId, headers);
}

function finish(o: HubListenerOptions, state: RequestState, req: IncomingMessage, res: ServerResponse): void {
  recordRequest(o.recorder, {
    route: state.route,
    method: req.method ?? "",
    // An ingestUrl's secret segment is a credential: never in a log line.
    path: loggablePath(pathOf(req.url)),
    status: res.statusCode,
    trace: state.trace,
    seconds: (performance.now() - state.start) / 1000,
    platId: state.platId,
    authenticatedPlatId: state.authenticatedPlatId,
    refusal: state.refusal,
  });
}

/** The request target without its query string. */
function pathOf(url: string | undefined): string {
  if (url === undefined) return "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}
