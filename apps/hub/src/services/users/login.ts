import { randomBytes } from "node:crypto";
import type { VendorHttp } from "@yunlian/adapter-sdk/http";
import { hubUsers } from "@yunlian/db";
import { type LoginRequest, parseResponse, RetCode } from "@yunlian/protocol";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import { forbidden, HubError, invalid, unauthorized } from "../../lib/hub-error.ts";
import { signedHeaders } from "../../lib/sign.ts";
import { liveSecrets, type PlatformRecord } from "../../registry/platform-record.ts";
import { describeVendorError } from "../vendor/fan-out.ts";
import { issueAccessToken } from "./access-tokens.ts";
import type { UsersCtx } from "./users-context.ts";

/** What logging a platform's user in uses: the platform's verify URL is called over `http`. */
export interface LoginCtx extends Pick<UsersCtx, "db" | "now" | "tokenTtlMs"> {
  http: VendorHttp;
  hubPlatId: string;
  log: Logger;
}

const ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A hub userID: "U" + 19 base-32 characters (95 random bits) — within the standard's 20. */
export function newUserId(): string {
  const bytes = randomBytes(19);
  let id = "U";
  for (const b of bytes) id += ID_ALPHABET[b & 31];
  return id;
}

/**
 * user/login (standard 7.1.1, docs/design.md §4): the hub asks the calling platform's verify URL
 * whether (loginID, AuthToken) is one of its users; on "200" it creates or reuses the hub
 * user for that loginID (namespaced per platform) and issues an AccessToken.
 */
export async function login(ctx: LoginCtx, platform: PlatformRecord, body: LoginRequest) {
  const base = body.User[0]?.UserBase;
  const loginId = base?.loginID;
  if (!loginId) throw invalid("User[0].UserBase.loginID: required");
  const authToken = body.AuthToken;
  if (!authToken) throw invalid("AuthToken: required (in the body, or in the header)");
  if (!platform.verifyUrl) {
    throw forbidden(`platform ${platform.platId} has no verifyUrl registered, so its users cannot log in`);
  }

  await verifyWithPlatform(ctx, platform, loginId, authToken);

  const profile = body.User[0]?.UserProfile ?? {};
  const [user] = await ctx.db
    .insert(hubUsers)
    .values({
      userId: newUserId(),
      platId: platform.platId,
      loginId,
      loginName: base.loginName ?? null,
      email: base.email ?? null,
      mobile: base.mobile ?? null,
      profile: Object.fromEntries(Object.entries(profile).map(([k, v]) => [k, String(v)])),
    })
    .onConflictDoUpdate({
      target: [hubUsers.platId, hubUsers.loginId],
      // Keep the userID; refresh what the platform told us about the user this time.
      set: {
        loginName: sql`coalesce(excluded.login_name, ${hubUsers.loginName})`,
        email: sql`coalesce(excluded.email, ${hubUsers.email})`,
        mobile: sql`coalesce(excluded.mobile, ${hubUsers.mobile})`,
        updatedAt: ctx.now(),
      },
    })
    .returning({ userId: hubUsers.userId });
  if (!user) throw new HubError(RetCode.BUSINESS, "could not create the hub user");

  const accessToken = await issueAccessToken(ctx, platform.platId, user.userId);
  return { userId: user.userId, accessToken };
}

/** Asks `platform`'s verify URL to vouch for (loginID, AuthToken); throws a HubError when it does not. */
export async function verifyWithPlatform(
  ctx: Pick<LoginCtx, "http" | "hubPlatId" | "now" | "log">,
  platform: PlatformRecord,
  loginId: string,
  authToken: string,
): Promise<void> {
  const url = platform.verifyUrl ?? "";
  const payload = { User: [{ UserBase: { loginID: loginId } }], AuthToken: authToken };
  const headers: Record<string, string> = { PlatID: ctx.hubPlatId };
  if (platform.vendorAppId) headers.AppID = platform.vendorAppId;
  // A webhook to the platform, whatever its mode: signed with its webhookSecret, payload = body
  // (docs/design.md §7). Never with its appSecret: a captured verify call must be worth nothing
  // as a request to the hub.
  Object.assign(
    headers,
    signedHeaders(liveSecrets(platform.webhookSecret, ctx.now()), JSON.stringify(payload)),
  );

  let answer: Awaited<ReturnType<VendorHttp["postJson"]>>;
  try {
    answer = await ctx.http.postJson(url, payload, { headers });
  } catch (err) {
    const { retCode, info } = describeVendorError(platform, err, ctx.log);
    throw new HubError(retCode, `verifying the user with ${info}`);
  }
  const parsed = parseResponse("user/verify", answer.text);
  if (!parsed.ok) {
    throw new HubError(
      RetCode.BAD_GATEWAY,
      `platform ${platform.platId}'s verify endpoint answered wrongly (HTTP ${answer.status}): ${parsed.retInfo}`,
    );
  }
  if (parsed.body.RetCode !== RetCode.OK) {
    throw unauthorized(
      `platform ${platform.platId} did not vouch for loginID ${loginId}: ${parsed.body.RetInfo ?? "no reason given"}`,
    );
  }
}
