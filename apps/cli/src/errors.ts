/** Exit codes: 0 ok, 1 the hub said no (or could not be reached, or the data was invalid), 2 usage error. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

/** The command line itself is wrong: unknown command or option, missing argument, bad flag value. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help explains the fix, e.g. "platforms register". */
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** The hub answered with an error status (its RetCode and RetInfo). Not the hub's own HubError: this is the answer as the CLI reads it. */
export class HubRefusal extends Error {
  constructor(
    readonly status: number,
    readonly retCode: string | undefined,
    readonly retInfo: string,
  ) {
    super(retInfo);
    this.name = "HubRefusal";
  }
}

/** No answer at all: connection refused, unknown host, timeout. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NetworkError";
  }
}

/** A certification run that did not certify (or did not finish in time): exit 1 after its report. */
export class NotCertified extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotCertified";
  }
}

/** A failure that needs no hub: an invalid UDeviceID, say. */
export class InvalidDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidDataError";
  }
}
