import { ProtocolError, RetCode, retBody } from "@yunlian/protocol";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { HubError } from "./hub-error.ts";

export interface ErrorAnswer {
  status: number;
  body: ReturnType<typeof retBody>;
  headers: Record<string, string>;
}

const RET_CODES = new Set<string>(Object.values(RetCode));

/** The 404 of a path no route serves, the same under /v1 and elsewhere. */
export function noSuchInterface(method: string, path: string) {
  return retBody(RetCode.NOT_FOUND, `no such interface: ${method} ${path}`);
}

/**
 * What the caller is told when a request fails, whichever server path it took: the RetCode of
 * a HubError or ProtocolError with the mirrored HTTP status; anything else is a bug, logged
 * with the request id and answered as a generic 500 that names that id (never a stack trace).
 */
export function answerForError(
  err: unknown,
  log: Logger,
  request: { requestId: string; path: string },
): ErrorAnswer {
  if (err instanceof HubError) {
    return {
      status: Number(err.retCode),
      body: retBody(err.retCode, err.message, err.extra),
      headers: err.headers,
    };
  }
  if (err instanceof ProtocolError) {
    return { status: Number(err.retCode), body: retBody(err.retCode, err.message), headers: {} };
  }
  if (err instanceof HTTPException && err.status < 500) {
    const code = String(err.status);
    const retCode = RET_CODES.has(code) ? (code as RetCode) : RetCode.INVALID;
    return { status: err.status, body: retBody(retCode, err.message || "bad request"), headers: {} };
  }
  log.error({ err, requestId: request.requestId, path: request.path }, "unhandled error");
  return {
    status: 500,
    body: retBody(RetCode.BUSINESS, `internal error (request id ${request.requestId})`),
    headers: {},
  };
}
