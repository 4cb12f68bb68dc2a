/** Section 7.1: user management (login, logout, unregister, and the verify callback B → A). */
import { z } from "zod";
import { ResponseBase, requiredOnSuccess } from "./envelope.ts";
import { loginId, UserBase, UserProfile, userStatus } from "./objects.ts";
import { idString, MAX_ID } from "./primitives.ts";

/** A token issued by one cloud to another: opaque, trimmed, bounded. */
const token = z
  .string({ error: (i) => (i.input === undefined ? "required" : "must be a string") })
  .trim()
  .min(1, { error: "must not be empty" })
  .max(2048, { error: "at most 2048 characters" });

function userArrayWith<S extends z.ZodRawShape>(shape: S) {
  return z
    .array(z.looseObject({ UserBase: UserBase.extend(shape), UserProfile: UserProfile.optional() }))
    .min(1, { error: "must hold at least one user" });
}

/** 7.1.1 (table 17): User[].UserBase.loginID and AuthToken (body, or the header — docs/design.md §3.2). */
export const LoginRequest = z.looseObject({ User: userArrayWith({ loginID: loginId }), AuthToken: token });

/** Table 18: User[].UserBase.userID on success; the AccessToken travels in the response header. */
export const LoginResponse = requiredOnSuccess(
  ResponseBase.extend({ User: userArrayWith({ userID: idString(MAX_ID) }).optional() }),
  ["User"],
);

/** 7.1.2: everything is in the headers (PlatID, AccessToken); the body is `{ }`. */
export const LogoutRequest = z.looseObject({});
export const LogoutResponse = ResponseBase;

/** 7.1.3 (table 23): UserBase loginID and status. */
export const UnregisterRequest = z.looseObject({
  User: userArrayWith({ loginID: loginId, status: userStatus }),
});
export const UnregisterResponse = ResponseBase;

/** 7.1.4 (table 26): B asks A to vouch for loginID + AuthToken. */
export const VerifyRequest = z.looseObject({ User: userArrayWith({ loginID: loginId }), AuthToken: token });
export const VerifyResponse = ResponseBase;

export type LoginRequest = z.infer<typeof LoginRequest>;
export type LoginResponse = z.infer<typeof LoginResponse>;
export type LogoutRequest = z.infer<typeof LogoutRequest>;
export type LogoutResponse = z.infer<typeof LogoutResponse>;
export type UnregisterRequest = z.infer<typeof UnregisterRequest>;
export type UnregisterResponse = z.infer<typeof UnregisterResponse>;
export type VerifyRequest = z.infer<typeof VerifyRequest>;
export type VerifyResponse = z.infer<typeof VerifyResponse>;
