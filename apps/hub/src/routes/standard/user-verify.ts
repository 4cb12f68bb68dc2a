import { RetCode, retBody } from "@yunlian/protocol";
import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { verifyHubUser } from "../../services/users/verify.ts";
import { standardRoute } from "./standard-route.ts";

/** POST /v1/user/verify: vendor clouds call back here while logging a hub user in (7.1.4). */
export function registerUserVerify(app: Hono<HubEnv>) {
  app.post(
    "/v1/user/verify",
    standardRoute("user/verify", async ({ services, platform, body }) => {
      await verifyHubUser(services, platform, body);
      return { body: retBody(RetCode.OK, "身份验证成功 verified") };
    }),
  );
}
