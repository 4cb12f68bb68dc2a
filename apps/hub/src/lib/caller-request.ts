import type { IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import type { Context } from "hono";
import type { RequestTrace } from "../observability/request-context.ts";
import { stateOf } from "../server/request-state.ts";
import type { HubEnv } from "./hono-env.ts";

/**
 * One platform request as authentication sees it, whichever route serves it: the platform API
 * (StandardRouter) or self-service on the Hono app. Both read the same listener state.
 */
export interface CallerRequest {
  method: string;
  /** The request target as received, query string included (it is signed, docs/design.md §7). */
  path: string;
  /** Header names in lower case (node:http's record). */
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The connection: its address for the audit log, its client certificate in mtls mode. */
  socket?: Socket;
  trace: RequestTrace;
}

/** The first value of a header ("webhook-id" …); node:http joins most repeats already. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The CallerRequest of a request served by the Hono app (the listener read its body). */
export function callerOf(c: Context<HubEnv>): CallerRequest {
  const incoming = c.env.incoming;
  const state = stateOf(incoming);
  return {
    method: incoming.method ?? c.req.method,
    path: incoming.url ?? c.req.path,
    headers: incoming.headers,
    rawBody: state.rawBody,
    socket: incoming.socket,
    trace: state.trace,
  };
}
