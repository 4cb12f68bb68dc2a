import { RetCode, retBody } from "@yunlian/protocol";
import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { logout } from "../../services/users/logout.ts";
import { standardRoute } from "./standard-route.ts";

/** POST /v1/user/logout (standard 7.1.2): the header's AccessToken is destroyed. */
export function registerUserLogout(app: Hono<HubEnv>) {
  app.post(
    "/v1/user/logout",
    standardRoute("user/logout", async ({ services, platform, headers }) => {
      await logout(services, platform, headers.accessToken);
      return { body: retBody(RetCode.OK, "退出成功。logged out") };
    }),
  );
}
