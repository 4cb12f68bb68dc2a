import { RetCode } from "@yunlian/protocol";

/**
 * An error a caller caused (or a vendor caused), carrying the RetCode the hub answers with.
 * Services throw it; the app's error handler turns it into `{RetCode, RetInfo}` with the
 * mirrored HTTP status. Anything else that escapes is a bug and answers a generic 500.
 */
export class HubError extends Error {
  constructor(
    readonly retCode: RetCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HubError";
  }
}

export const invalid = (info: string) => new HubError(RetCode.INVALID, info);
export const unauthorized = (info: string) => new HubError(RetCode.UNAUTHORIZED, info);
export const forbidden = (info: string) => new HubError(RetCode.FORBIDDEN, info);
export const notFound = (info: string) => new HubError(RetCode.NOT_FOUND, info);
export const conflict = (info: string) => new HubError(RetCode.CONFLICT, info);
