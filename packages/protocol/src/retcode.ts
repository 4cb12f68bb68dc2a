/**
 * Result codes (docs/design.md §3.3). The standard defines only "200" (ok) and "500" (business failure);
 * the hub adds finer codes, always as strings as the standard's RetCode is a String, and the HTTP
 * status mirrors the code so a plain HTTP client sees the same outcome as a RetCode reader.
 */

export const RetCode = {
  OK: "200",
  INVALID: "400",
  UNAUTHORIZED: "401",
  FORBIDDEN: "403",
  NOT_FOUND: "404",
  METHOD_NOT_ALLOWED: "405",
  CONFLICT: "409",
  TOO_LARGE: "413",
  RATE_LIMITED: "429",
  BUSINESS: "500",
  BAD_GATEWAY: "502",
  GATEWAY_TIMEOUT: "504",
} as const;

export type RetCode = (typeof RetCode)[keyof typeof RetCode];

const KNOWN = new Set<string>(Object.values(RetCode));

export function isRetCode(value: unknown): value is RetCode {
  return typeof value === "string" && KNOWN.has(value);
}

/** Every code is an HTTP status number written as a string, so the mapping is the number itself. */
export function httpStatusOf(code: RetCode): number {
  return Number(code);
}

/** The standard's response envelope: `{ RetCode, RetInfo, ...extra }`. */
export function retBody<T extends object = Record<never, never>>(
  code: RetCode,
  info: string,
  extra?: T,
): { RetCode: RetCode; RetInfo: string } & T {
  return { RetCode: code, RetInfo: info, ...(extra as T) };
}

/** An expected failure that maps onto a RetCode; `field` names the offending input for "400". */
export class ProtocolError extends Error {
  constructor(
    readonly retCode: RetCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ProtocolError";
  }
}
