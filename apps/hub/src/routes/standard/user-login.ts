import { RetCode, retBody } from "@yunlian/protocol";
import { login } from "../../services/users/login.ts";
import { standardEndpoint } from "./standard-route.ts";

/** POST /v1/user/login (standard 7.1.1). */
export const userLogin = standardEndpoint(
  "/v1/user/login",
  "user/login",
  async ({ services, platform, body }) => {
    const { userId, accessToken } = await login(services, platform, body);
    return {
      headers: { PlatID: services.config.platId, AccessToken: accessToken },
      body: retBody(RetCode.OK, "登录成功。login ok", { User: [{ UserBase: { userID: userId } }] }),
    };
  },
);
