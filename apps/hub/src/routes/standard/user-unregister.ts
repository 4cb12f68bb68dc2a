import { RetCode, retBody } from "@yunlian/protocol";
import { unregister } from "../../services/users/logout.ts";
import type { AccountCtx } from "./account-context.ts";
import { standardEndpoint } from "./standard-route.ts";

/** POST /v1/user/unregister (standard 7.1.3). */
export const userUnregister = (ctx: AccountCtx) =>
  standardEndpoint("/v1/user/unregister", "user/unregister", async ({ platform, headers, body, trace }) => {
    const loginId = body.User?.[0]?.UserBase?.loginID ?? undefined;
    const { unbindFailures, logoutFailures } = await unregister(
      ctx,
      platform,
      headers.accessToken,
      loginId,
      trace,
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
    return { headers: { PlatID: ctx.hubPlatId }, body: retBody(RetCode.OK, info) };
  });
