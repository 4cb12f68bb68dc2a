import { RetCode, retBody } from "@yunlian/protocol";
import { invalid, notFound } from "../../lib/hub-error.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import type { CommandsCtx } from "../../services/commands/commands-context.ts";
import { readOpWaiting } from "../../services/commands/op-read.ts";
import { authenticateToken } from "../../services/users/access-tokens.ts";
import { authorizeCall } from "../../services/users/authorize-call.ts";
import type { UsersCtx } from "../../services/users/users-context.ts";
import type { StandardEndpoint } from "./standard-route.ts";

type OpsReadCtx = Pick<UsersCtx, "db" | "now" | "authCache"> & { commands: CommandsCtx };

/**
 * GET /v1/ops/{OpID} (docs/design.md §7): an op's status, per device, for the platform and user
 * that sent it. The user is the query's `UserID` (with the AccessToken checked when sent, as on
 * every interface) or, without it, the AccessToken's; anyone else gets the 404 of a missing op.
 */
export const opsGet = (ctx: OpsReadCtx): StandardEndpoint => ({
  method: "GET",
  path: "/v1/ops/:opId",
  async serve({ platform, headers, caller, params }) {
    const opId = params.opId ?? "";
    const userId = await callingUser(ctx, platform, caller.path, headers.accessToken);
    const op = ctx.commands.ops
      ? await readOpWaiting(ctx.commands.ops, { platId: platform.platId, userId }, opId)
      : undefined;
    if (!op) throw notFound(`no op ${opId} of UserID ${userId}`);
    return { body: retBody(RetCode.OK, "ok", { ...op }) };
  },
});

async function callingUser(
  ctx: OpsReadCtx,
  platform: PlatformRecord,
  target: string,
  accessToken: string | undefined,
): Promise<string> {
  const userId = new URL(target, "http://hub.invalid").searchParams.get("UserID") ?? undefined;
  if (userId) {
    await authorizeCall(ctx, platform, { userId, accessToken, tokenRequired: false });
    return userId;
  }
  if (!accessToken) throw invalid("UserID (query) or header AccessToken: required");
  return (await authenticateToken(ctx, platform, accessToken)).userId;
}
