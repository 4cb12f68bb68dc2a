import { RetCode, retBody } from "@yunlian/protocol";
import { type LoginCtx, login } from "../../services/users/login.ts";
import { standardEndpoint } from "./standard-route.ts";

/** POST /v1/user/login (standard 7.1.1). */
export const userLogin = (ctx: LoginCtx) =>
  standardEndpoint("/v1/user/login", "user/login", async ({ platform, body }) => {
    const { userId, accessToken } = await login(ctx, platform, body);
    return {
      headers: { PlatID: ctx.hubPlatId, AccessToken: accessToken },
      body: retBody(RetCode.OK, "登录成功。login ok", { User: [{ UserBase: { userID: userId } }] }),
    };
  });
