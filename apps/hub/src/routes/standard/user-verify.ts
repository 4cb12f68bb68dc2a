import { RetCode, retBody } from "@yunlian/protocol";
import type { UsersCtx } from "../../services/users/users-context.ts";
import { verifyHubUser } from "../../services/users/verify.ts";
import { standardEndpoint } from "./standard-route.ts";

/** POST /v1/user/verify: vendor clouds call back here while logging a hub user in (7.1.4). */
export const userVerify = (ctx: Pick<UsersCtx, "db" | "now">) =>
  standardEndpoint("/v1/user/verify", "user/verify", async ({ platform, body }) => {
    await verifyHubUser(ctx, platform, body);
    return { body: retBody(RetCode.OK, "身份验证成功 verified") };
  });
