import type { IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import type { Context } from "hono";
import type { RequestTrace } from "../observability/request-context.ts";
import type { HubEnv } from "./hono-env.ts";

/**
 * One platform request as the services see it, whichever way it arrived: straight from
 * node:http (the standard API's fast path) or through the Hono app (self-service, and tests
 * that call `app.request()` without a socket).
 */
export interface CallerRequest {
  method: string;
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

/** The CallerRequest of a request served by the Hono app. */
export function callerFromContext(c: Context<HubEnv>, rawBody: string): CallerRequest {
  const incoming = c.env?.incoming;
  return {
    method: c.req.method,
    path: c.req.path,
    headers: incoming?.headers ?? headerRecord(c.req.raw.headers),
    rawBody,
    socket: incoming?.socket,
    trace: c.get("trace"),
  };
}

function headerRecord(headers: Headers): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}
