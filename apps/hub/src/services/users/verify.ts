import type { Database } from "@yunlian/db";
import type { VerifyRequest } from "@yunlian/protocol";
import { invalid, unauthorized } from "../../lib/hub-error.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { consumeVerifyToken } from "../vendor/verify-tokens.ts";

/**
 * The hub's own verify endpoint (standard 7.1.4, hub as A): a vendor cloud that the hub asked
 * to log a hub user in calls back with (loginID = hub userID, AuthToken = the token the hub
 * issued for exactly that vendor). Anything else is refused with 401.
 */
export async function verifyHubUser(
  ctx: { db: Database; now(): Date },
  vendor: PlatformRecord,
  body: VerifyRequest,
) {
  const loginId = body.User[0]?.UserBase?.loginID;
  if (!loginId) throw invalid("User[0].UserBase.loginID: required");
  const token = body.AuthToken;
  if (!token) throw invalid("AuthToken: required (in the body, or in the header)");
  const ok = await consumeVerifyToken(ctx, vendor.platId, loginId, token);
  if (!ok) throw unauthorized(`AuthToken is not valid for loginID ${loginId} at platform ${vendor.platId}`);
}
