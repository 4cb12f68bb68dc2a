import { RetCode, retBody } from "@yunlian/protocol";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit as streamingBodyLimit } from "hono/body-limit";
import type { HubEnv } from "./hono-env.ts";

/** The RetCode body of a 413, the same whichever server path refused the body. */
export function tooLargeBody(maxBytes: number) {
  return retBody(RetCode.TOO_LARGE, `request body is larger than ${maxBytes} bytes`);
}

/**
 * 413 for a body over `maxBytes` before it is read in full. A declared Content-Length is checked
 * from the header alone; only a body without one (chunked) goes through hono's streaming counter.
 * The split matters for speed: hono's check first asks the request for its body stream, which
 * makes @hono/node-server build a full web Request for every call — the single largest cost of
 * a small request on the hub's hot path.
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler<HubEnv> {
  const tooLarge = (c: Context<HubEnv>) => c.json(tooLargeBody(maxBytes), 413);
  const streaming = streamingBodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    const declared = c.req.header("content-length");
    if (declared !== undefined && c.req.header("transfer-encoding") === undefined) {
      return Number(declared) > maxBytes ? tooLarge(c) : next();
    }
    return streaming(c, next);
  };
}
