import { describe, expect, it } from "vitest";
import { sessionExpired } from "./session-expired.ts";

describe("sessionExpired (docs/design.md §7 vendor sessions)", () => {
  it('reads RetCode "401" and HTTP 401 as "session gone", whatever RetInfo says', () => {
    expect(sessionExpired(200, "401", "")).toBe(true);
    expect(sessionExpired(401, undefined, "")).toBe(true);
  });

  it('reads a "500" as "session gone" only when RetInfo names the token', () => {
    for (const info of [
      "AccessToken 已失效",
      "invalid TOKEN",
      "accesstoken expired",
      "令牌错误",
      "会话过期",
      "登录失效",
      "凭证无效",
    ]) {
      expect(sessionExpired(200, "500", info), info).toBe(true);
    }
    for (const info of ["设备离线", "device offline", "参数错误", ""]) {
      expect(sessionExpired(200, "500", info), info).toBe(false);
    }
    expect(sessionExpired(200, "200", "token ok")).toBe(false);
    expect(sessionExpired(200, "400", "token missing")).toBe(false);
  });
});
