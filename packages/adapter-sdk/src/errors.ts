import { RetCode } from "@yunlian/protocol";

export type AdapterErrorKind =
  | "unauthorized"
  | "timeout"
  | "unreachable"
  | "bad_response"
  | "rejected"
  | "invalid";

/**
 * The one mapping from an adapter's failure to the RetCode the hub answers its caller with
 * (docs/design.md §3.3). Read from the caller's side: `invalid` means the adapter could not express
 * the caller's request (or a vendor's report) in the vendor's terms — the caller's input, 400;
 * `unauthorized` reaches the caller only after the hub logged in again once and the vendor still
 * refused the hub's own session — the hub↔vendor link, 502, never the caller's 401.
 */
const KIND_CODES: Readonly<Record<AdapterErrorKind, RetCode>> = {
  unauthorized: RetCode.BAD_GATEWAY,
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

/** Marks AdapterErrors of every copy of this SDK (see `Symbol.hasInstance` below). */
const BRAND = Symbol.for("@yunlian/adapter-sdk/AdapterError");

/** Every failure an adapter reports, classified so the hub can answer with the right RetCode. */
export class AdapterError extends Error {
  override readonly name = "AdapterError";
  readonly [BRAND] = true;

  /**
   * An adapter package loaded by name may bring its own copy of the SDK (its own dependency), so
   * its AdapterError is another class than the hub's: `instanceof` goes by the brand instead.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }

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
