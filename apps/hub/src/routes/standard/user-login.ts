import { RetCode, retBody } from "@yunlian/protocol";
import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { login } from "../../services/users/login.ts";
import { standardRoute } from "./standard-route.ts";

/** POST /v1/user/login (standard 7.1.1). */
export function registerUserLogin(app: Hono<HubEnv>) {
  app.post(
    "/v1/user/login",
    standardRoute("user/login", async ({ services, platform, body }) => {
      const { userId, accessToken } = await login(services, platform, body);
      return {
        headers: { PlatID: services.config.platId, AccessToken: accessToken },
        body: retBody(RetCode.OK, "登录成功。login ok", { User: [{ UserBase: { userID: userId } }] }),
      };
    }),
  );
}
