import type { IncomingMessage } from "node:http";
import type { CommonHeaders } from "@yunlian/protocol";
import { newTrace, type RequestTrace, requestIdOf } from "../observability/request-context.ts";

/**
 * What the hub's listener knows about one request while it is served, whichever route serves it:
 * the trace (request id, vendors reached), when it arrived, the route label for metrics, and the
 * body it read (up to the size limit). Kept on the IncomingMessage so the Hono routes read the
 * same record the listener made (`stateOf(c.env.incoming)`).
 */
export interface RequestState {
  trace: RequestTrace;
  /** performance.now() when the request arrived. */
  start: number;
  /** The route pattern for metrics; "unmatched" until a route claims the request. */
  route: string;
  /** The body as read by the listener ("" for GET/HEAD). */
  rawBody: string;
  /** The standard's common headers, normalised (read by the listener before the body, limits checked). */
  common: CommonHeaders;
  /** The platform the caller is (or claims to be, if refused before authentication), for the log. */
  platId?: string;
  /** The platform the caller was authenticated as: the only platform id a metric label may carry. */
  authenticatedPlatId?: string;
  /** A refused request's RetCode and RetInfo, for the log line (the answer itself is already sent). */
  refusal?: { retCode: string; reason: string };
}

/** Remembers why a request was refused (an answer of status 400 or more with a RetCode body). */
export function noteAnswer(state: RequestState, status: number, body: unknown): void {
  if (status < 400 || typeof body !== "object" || body === null) return;
  const { RetCode, RetInfo } = body as { RetCode?: unknown; RetInfo?: unknown };
  if (typeof RetCode === "string") state.refusal = { retCode: RetCode, reason: String(RetInfo ?? "") };
}

const STATE = Symbol("yunlian.requestState");

type WithState = IncomingMessage & { [STATE]?: RequestState };

export function beginRequest(req: IncomingMessage): RequestState {
  const state: RequestState = {
    trace: newTrace(requestIdOf(req.headers["x-request-id"])),
    start: performance.now(),
    route: "unmatched",
    rawBody: "",
    common: {},
  };
  (req as WithState)[STATE] = state;
  return state;
}

/** The state the listener attached; a request that did not come through it is a bug. */
export function stateOf(req: IncomingMessage | undefined): RequestState {
  const state = req ? (req as WithState)[STATE] : undefined;
  if (!state) throw new Error("request did not come through the hub listener");
  return state;
}
