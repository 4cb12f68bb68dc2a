import { postJson, retCodeOf, type SimPostResult } from "../shared/sign.ts";

/** How an app platform calls the hub's standard API (A → B, section 7). */
export interface HubClientOptions {
  platId: string;
  hubUrl: string;
  appId?: string;
  /** Signs calls (DESIGN §7 hmac); never with `strict`. */
  appSecret?: string;
  /**
   * A client written from the standard's text (README "Strict mode"): `PlateID` (table 9's
   * spelling), AuthToken in the login header (7.1.1's example), UserID as a bare JSON number
   * (7.2.5's example), no Idempotency-Key (not in the standard), and any HTTP status but 200 is a
   * transport failure (the standard carries every verdict in RetCode, so it needs the hub's
   * per-platform `"httpStatus":"always200"`).
   */
  strict?: boolean;
}

export interface HubSession {
  userId: string;
  accessToken: string;
}

/** A strict client got an HTTP status other than 200: the call failed in transport, whatever the body says. */
export class HubTransportError extends Error {
  override readonly name = "HubTransportError";
  constructor(
    readonly status: number,
    readonly answer: SimPostResult,
  ) {
    super(`transport failure: HTTP ${status} from the hub`);
  }
}

export interface HubClient {
  /** POSTs `{hubUrl}/v1/{api}`; `headers` are extra headers (a strict client drops Idempotency-Key). */
  call(
    api: string,
    body: Record<string, unknown>,
    opts?: { accessToken?: string; headers?: Record<string, string> },
  ): Promise<SimPostResult>;
  /** user/login (7.1.1) → the hub's userID and AccessToken; throws when the hub refuses. */
  login(loginId: string, authToken: string): Promise<HubSession>;
}

const BARE_INTEGER = /^(0|[1-9]\d{0,39})$/;

/**
 * JSON text with a top-level digit-only UserID written as a bare number, as 7.2.5's example does
 * (`"UserID": 100013954770780042`, beyond a double's precision: only text can carry it exactly).
 * A UserID with other characters (the hub's own are `U…`) stays a string: there is no number to write.
 */
export function bareUserIdJson(body: Record<string, unknown>): string {
  const { UserID, ...rest } = body;
  if (typeof UserID !== "string" || !BARE_INTEGER.test(UserID)) return JSON.stringify(body);
  const restText = JSON.stringify(rest);
  return restText === "{}" ? `{"UserID":${UserID}}` : `{"UserID":${UserID},${restText.slice(1)}`;
}

export function createHubClient(opts: HubClientOptions): HubClient {
  const strict = opts.strict === true;
  const base = opts.hubUrl.replace(/\/v1$/, "");

  const call: HubClient["call"] = async (api, body, callOpts = {}) => {
    const headers: Record<string, string> = {
      [strict ? "PlateID" : "PlatID"]: opts.platId,
      ...(opts.appId ? { AppID: opts.appId } : {}),
      ...(callOpts.accessToken ? { AccessToken: callOpts.accessToken } : {}),
    };
    for (const [name, value] of Object.entries(callOpts.headers ?? {})) {
      if (strict && name.toLowerCase() === "idempotency-key") continue;
      headers[name] = value;
    }
    const res = await postJson(`${base}/v1/${api}`, strict ? bareUserIdJson(body) : body, {
      headers,
      appSecret: strict ? undefined : opts.appSecret,
    });
    if (strict && res.status !== 200) throw new HubTransportError(res.status, res);
    return res;
  };

  return {
    call,
    async login(loginId, authToken) {
      const user = { User: [{ UserBase: { loginID: loginId } }] };
      // 7.1.1's example carries AuthToken among the header lines; table 17 says body. Strict sends the example's way.
      const res = strict
        ? await call("user/login", user, { headers: { AuthToken: authToken } })
        : await call("user/login", { ...user, AuthToken: authToken });
      const json = res.json as { User?: { UserBase?: { userID?: unknown } }[] } | undefined;
      const userId = json?.User?.[0]?.UserBase?.userID;
      const accessToken = res.headers.accesstoken;
      if (retCodeOf(res.json) !== "200" || userId === undefined || !accessToken) {
        throw new Error(`hub login failed: HTTP ${res.status} ${res.text}`);
      }
      return { userId: String(userId), accessToken };
    },
  };
}
