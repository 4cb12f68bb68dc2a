/**
 * Words by which a vendor's RetInfo says the session is gone. The standard defines no code for an
 * expired or unknown AccessToken and a cloud built to its letter answers only "200" and "500", so
 * a "500" naming the token is read as "log in again" (docs/design.md §7 vendor sessions).
 */
const TOKEN_WORDS = /token|令牌|过期|失效|无效/i;

/**
 * Whether a vendor answer says the hub's session is no longer valid: RetCode "401" (the hub's own
 * reading), HTTP 401, or RetCode "500" whose RetInfo names the token (`AccessToken 已失效`).
 * `AccessToken` is matched by `token`, case-insensitively.
 */
export function sessionExpired(httpStatus: number, retCode: string | undefined, retInfo: string): boolean {
  if (httpStatus === 401 || retCode === "401") return true;
  return retCode === "500" && TOKEN_WORDS.test(retInfo);
}
