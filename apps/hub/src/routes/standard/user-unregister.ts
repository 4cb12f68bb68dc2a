import { RetCode, retBody } from "@yunlian/protocol";
import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { unregister } from "../../services/users/logout.ts";
import { standardRoute } from "./standard-route.ts";

/** POST /v1/user/unregister (standard 7.1.3). */
export function registerUserUnregister(app: Hono<HubEnv>) {
  app.post(
    "/v1/user/unregister",
    standardRoute("user/unregister", async ({ services, platform, headers, body, requestId }) => {
      const loginId = body.User?.[0]?.UserBase?.loginID ?? undefined;
      const { unbindFailures, logoutFailures } = await unregister(
        services,
        platform,
        headers.accessToken,
        loginId,
        requestId,
      );
      // The hub account is gone either way; say what a vendor could not clean up.
      const notes = [
        ...[...unbindFailures].map(([id, why]) => `unbind ${id}: ${why}`),
        ...logoutFailures.map((f) => f.info),
      ];
      const info =
        notes.length === 0
          ? "注销成功。unregistered"
          : `unregistered; not cleaned up at vendors: ${notes.join("; ")}`;
      return { headers: { PlatID: services.config.platId }, body: retBody(RetCode.OK, info) };
    }),
  );
}
