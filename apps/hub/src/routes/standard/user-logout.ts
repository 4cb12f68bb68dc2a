import { RetCode, retBody } from "@yunlian/protocol";
import { logout } from "../../services/users/logout.ts";
import type { UsersCtx } from "../../services/users/users-context.ts";
import { standardEndpoint } from "./standard-route.ts";

/** POST /v1/user/logout (standard 7.1.2): the header's AccessToken is destroyed. */
export const userLogout = (ctx: UsersCtx) =>
  standardEndpoint("/v1/user/logout", "user/logout", async ({ platform, headers }) => {
    await logout(ctx, platform, headers.accessToken);
    return { body: retBody(RetCode.OK, "退出成功。logged out") };
  });
