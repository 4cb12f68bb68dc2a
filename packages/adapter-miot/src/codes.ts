/**
 * MIoT status codes are `-70xxxyzzz`: xxx an HTTP status, y where it failed (0 client, 1 platform,
 * 2 device cloud, 3 device, 4 MIoT-spec), zzz the error. 0 is success; for a set, 1 means "sent,
 * the result follows as properties_changed".
 */
export function miotCode(http: number, where: number, error: number): number {
  return -(700_000_000 + http * 10_000 + where * 1000 + error);
}

export const MiotCode = {
  OK: 0,
  ACCEPTED: 1,
  TOKEN_INVALID: miotCode(401, 1, 0),
  DEVICE_NOT_FOUND: miotCode(404, 1, 1),
  NOT_YOUR_DEVICE: miotCode(403, 1, 1),
  SERVICE_NOT_FOUND: miotCode(404, 4, 2),
  PROPERTY_NOT_FOUND: miotCode(404, 4, 3),
  DEVICE_OFFLINE: miotCode(404, 2, 11),
  NOT_READABLE: miotCode(403, 4, 13),
  NOT_WRITABLE: miotCode(403, 4, 23),
  VALUE_ERROR: miotCode(400, 4, 43),
  BAD_REQUEST: miotCode(400, 0, 0),
} as const;

const ERRORS: Record<number, string> = {
  0: "unknown error",
  1: "device does not exist",
  2: "service does not exist",
  3: "property does not exist",
  8: "invalid id",
  11: "device offline",
  13: "property not readable",
  23: "property not writable",
  43: "property value error",
};

/** A human reason for a per-property or per-device code, for RetInfo. */
export function describeMiotCode(code: number): string {
  if (code === MiotCode.TOKEN_INVALID) return "access token invalid";
  if (code === MiotCode.NOT_YOUR_DEVICE) return "device is not bound to this user";
  const digits = String(-code);
  if (code < 0 && digits.length === 9 && digits.startsWith("70")) {
    return `${ERRORS[Number(digits.slice(6))] ?? "error"} (${code})`;
  }
  return `code ${code}`;
}

export const isOk = (code: number): boolean => code === MiotCode.OK || code === MiotCode.ACCEPTED;
