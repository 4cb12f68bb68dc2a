import type { ApiName } from "@yunlian/protocol";
import { invalid } from "../../lib/hub-error.ts";
import { authorizeCall, type CallAuthorization } from "../../services/users/authorize-call.ts";
import type { UsersCtx } from "../../services/users/users-context.ts";
import type { StandardRequest } from "./standard-route.ts";

/**
 * The hub user a device call acts for: the body's UserID must be a user of the calling
 * platform (404 otherwise, so another tenant's users are indistinguishable from missing
 * ones), and an AccessToken — required for devices/op, accepted everywhere — must be that
 * user's (docs/design.md §3.5). Also answers which devices are bound to the user.
 */
export function actingUser<K extends ApiName>(
  ctx: Pick<UsersCtx, "db" | "now" | "authCache">,
  req: StandardRequest<K> & { body: { UserID?: string } },
  opts: { tokenRequired: boolean },
): CallAuthorization | Promise<CallAuthorization> {
  const userId = req.body.UserID;
  if (!userId) throw invalid("UserID: required");
  return authorizeCall(ctx, req.platform, {
    userId,
    accessToken: req.headers.accessToken,
    tokenRequired: opts.tokenRequired,
  });
}
