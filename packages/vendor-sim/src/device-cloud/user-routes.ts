import type { CommonHeaders } from "@yunlian/protocol";
import { postJson, retCodeOf } from "../shared/sign.ts";
import { type Answer, business, type HandlerInput, ok } from "./answer.ts";
import type { CloudState } from "./state.ts";

export interface LoginDeps {
  platId: string;
  verifyUrl: string;
  /** The AppID the hub issued to this cloud (required by the hub in security mode none). */
  appId?: string;
  appSecret?: string;
  state: CloudState;
  /** Fault: log anyone in without asking the caller's verify URL. */
  skipVerify?: boolean;
}

/** The headers of this cloud's calls to the hub: its PlatID, and the AppID the hub issued it. */
export function hubHeaders(deps: Pick<LoginDeps, "platId" | "appId">): Record<string, string> {
  return { PlatID: deps.platId, ...(deps.appId ? { AppID: deps.appId } : {}) };
}

/**
 * 7.1.1: ask the caller's verify URL (7.1.4) whether it vouches for loginID + AuthToken, then
 * create or reuse the userID and issue an AccessToken in the response header.
 */
export async function login(
  deps: LoginDeps,
  headers: CommonHeaders,
  body: Record<string, unknown>,
): Promise<Answer> {
  const callerPlatId = headers.platId;
  if (callerPlatId === undefined) return { code: "400", info: "header PlatID: required", zh: "缺少 PlatID" };
  const loginId = firstLoginId(body);
  const authToken = typeof body.AuthToken === "string" ? body.AuthToken : headers.authToken;
  if (loginId === undefined || authToken === undefined) {
    return {
      code: "400",
      info: "User[0].UserBase.loginID and AuthToken: required",
      zh: "缺少 User[0].UserBase.loginID 或 AuthToken",
    };
  }
  let verified: string | undefined;
  if (deps.skipVerify) verified = "200";
  else
    try {
      const res = await postJson(
        deps.verifyUrl,
        { User: [{ UserBase: { loginID: loginId } }], AuthToken: authToken },
        { headers: hubHeaders(deps), appSecret: deps.appSecret },
      );
      verified = retCodeOf(res.json);
    } catch (err) {
      return business(
        `user verification unavailable: ${err instanceof Error ? err.message : String(err)}`,
        "用户验证接口不可用",
      );
    }
  if (verified !== "200")
    return {
      code: "401",
      info: `user verification failed (RetCode ${verified ?? "none"})`,
      zh: "用户身份验证失败",
    };
  const { user, accessToken } = deps.state.loginUser(callerPlatId, loginId);
  return {
    ...ok({ User: [{ UserBase: { userID: user.userId } }] }, "登录成功。"),
    headers: { PlatID: deps.platId, AccessToken: accessToken },
  };
}

function firstLoginId(body: Record<string, unknown>): string | undefined {
  const users = Array.isArray(body.User) ? (body.User as { UserBase?: { loginID?: unknown } }[]) : [];
  const id = users[0]?.UserBase?.loginID;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** 7.1.2: the AccessToken is destroyed. */
export function logout(input: HandlerInput): Answer {
  input.state.revokeToken(input.accessToken);
  return ok(undefined, "退出成功。");
}

/** 7.1.3: the account, its tokens and its bindings are removed. */
export function unregister(input: HandlerInput): Answer {
  input.state.removeUser(input.user);
  return ok(undefined, "注销成功。");
}
