import { RetCode, retBody } from "@yunlian/protocol";
import { logout } from "../../services/users/logout.ts";
import type { AccountCtx } from "./account-context.ts";
import { standardEndpoint } from "./standard-route.ts";

/**
 * POST /v1/user/logout (standard 7.1.2): the header's AccessToken is destroyed, and the hub's
 * sessions at vendors for that user are ended (best effort: a vendor's failure is logged).
 */
export const userLogout = (ctx: AccountCtx) =>
  standardEndpoint("/v1/user/logout", "user/logout", async ({ platform, headers, trace }) => {
    await logout(ctx, platform, headers.accessToken, trace);
    return { body: retBody(RetCode.OK, "退出成功。logged out") };
  });
