import { RetCode } from "@yunlian/protocol";

export type AdapterErrorKind =
  | "unauthorized"
  | "timeout"
  | "unreachable"
  | "bad_response"
  | "rejected"
  | "invalid";

const KIND_CODES: Record<AdapterErrorKind, RetCode> = {
  unauthorized: RetCode.UNAUTHORIZED,
  timeout: RetCode.GATEWAY_TIMEOUT,
  unreachable: RetCode.BAD_GATEWAY,
  bad_response: RetCode.BAD_GATEWAY,
  rejected: RetCode.BUSINESS,
  invalid: RetCode.INVALID,
};

// A vendor's own finer code is passed through only when it means the same thing at the hub; a
// vendor's 401/5xx are about the hub↔vendor link, not the caller, so they never leak through.
const PASS_THROUGH: ReadonlySet<string> = new Set([
  RetCode.INVALID,
  RetCode.FORBIDDEN,
  RetCode.NOT_FOUND,
  RetCode.CONFLICT,
]);

/** Every failure an adapter reports, classified so the hub can answer with the right RetCode. */
export class AdapterError extends Error {
  override readonly name = "AdapterError";

  constructor(
    readonly kind: AdapterErrorKind,
    message: string,
    readonly vendorRetCode?: string,
  ) {
    super(message);
  }

  get retCode(): RetCode {
    if (
      this.kind === "rejected" &&
      this.vendorRetCode !== undefined &&
      PASS_THROUGH.has(this.vendorRetCode)
    ) {
      return this.vendorRetCode as RetCode;
    }
    return KIND_CODES[this.kind];
  }
}

export function isAdapterError(err: unknown, kind?: AdapterErrorKind): err is AdapterError {
  return err instanceof AdapterError && (kind === undefined || err.kind === kind);
}
