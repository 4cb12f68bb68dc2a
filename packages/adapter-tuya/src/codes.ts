/** Tuya OpenAPI error codes this adapter and its simulator use (public docs, "Global error codes"). */
export const TuyaCode = {
  SIGN_INVALID: 1004,
  TOKEN_INVALID: 1010,
  TIME_INVALID: 1013,
  PARAM_EMPTY: 1100,
  PERMISSION_DENY: 1106,
  URI_INVALID: 1108,
  SECRET_INVALID: 1001,
  COMMAND_NOT_SUPPORTED: 2008,
  DEVICE_OFFLINE: 2001,
} as const;

/** The success/result/msg/code envelope of every answer. */
export interface TuyaEnvelope<T = unknown> {
  success: boolean;
  result?: T;
  code?: number;
  msg?: string;
  /** Server time, epoch ms. */
  t: number;
  tid?: string;
}
