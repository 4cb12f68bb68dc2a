import { RetCode, retBody } from "@yunlian/protocol";
import { logout } from "../../services/users/logout.ts";
import { standardEndpoint } from "./standard-route.ts";

/** POST /v1/user/logout (standard 7.1.2): the header's AccessToken is destroyed. */
export const userLogout = standardEndpoint(
  "/v1/user/logout",
  "user/logout",
  async ({ services, platform, headers }) => {
    await logout(services, platform, headers.accessToken);
    return { body: retBody(RetCode.OK, "退出成功。logged out") };
  },
);
