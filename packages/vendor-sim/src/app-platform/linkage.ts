import { postJson, retCodeOf } from "../shared/sign.ts";

/** Scenario 2 of the standard: a rule that runs in the app platform and acts through the hub. */
export interface LinkageRule {
  when: { deviceId: string; attr: string; equals: string };
  act: {
    deviceId: string;
    attrs: Record<string, string>;
    /** The hub session of the user the rule acts for… */
    userId?: string;
    accessToken?: string;
    /** …or a user of this platform's table that the platform logs into the hub on demand. */
    loginId?: string;
  };
}

export interface LinkageOutcome {
  rule: number;
  deviceId: string;
  status?: number;
  retCode?: string;
  retInfo?: string;
  error?: string;
}

export interface LinkageDeps {
  platId: string;
  appId?: string;
  hubUrl: string;
  appSecret?: string;
  users: readonly { loginId: string; authToken: string }[];
}

interface HubSession {
  userId: string;
  accessToken: string;
}

/** Runs matching rules against one report; hub sessions for `loginId` rules are cached and renewed once on 401. */
export function createLinkageRunner(
  deps: LinkageDeps,
  rules: readonly LinkageRule[],
  outcomes: LinkageOutcome[],
) {
  const sessions = new Map<string, HubSession>();
  const headers = (token?: string): Record<string, string> => ({
    PlatID: deps.platId,
    ...(deps.appId ? { AppID: deps.appId } : {}),
    ...(token ? { AccessToken: token } : {}),
  });
  const post = (api: string, body: unknown, token?: string) =>
    postJson(`${deps.hubUrl}/v1/${api}`, body, { headers: headers(token), appSecret: deps.appSecret });

  async function hubLogin(loginId: string): Promise<HubSession> {
    const user = deps.users.find((u) => u.loginId === loginId);
    if (user === undefined) throw new Error(`linkage: no user ${loginId} in this platform's table`);
    const res = await post("user/login", {
      User: [{ UserBase: { loginID: loginId } }],
      AuthToken: user.authToken,
    });
    const body = res.json as { User?: { UserBase?: { userID?: string } }[] } | undefined;
    const userId = body?.User?.[0]?.UserBase?.userID;
    const accessToken = res.headers.accesstoken;
    if (retCodeOf(res.json) !== "200" || !userId || !accessToken)
      throw new Error(`hub login failed: ${res.text}`);
    const session = { userId, accessToken };
    sessions.set(loginId, session);
    return session;
  }

  async function sessionFor(then: LinkageRule["act"], fresh: boolean): Promise<HubSession> {
    if (then.accessToken && then.userId) return { userId: then.userId, accessToken: then.accessToken };
    if (!then.loginId) throw new Error("linkage rule needs userId + accessToken or loginId");
    const cached = fresh ? undefined : sessions.get(then.loginId);
    return cached ?? hubLogin(then.loginId);
  }

  async function run(index: number, rule: LinkageRule): Promise<void> {
    const outcome: LinkageOutcome = { rule: index, deviceId: rule.act.deviceId };
    try {
      let res = await opOnce(rule, false);
      if (res.status === 401 && rule.act.loginId) res = await opOnce(rule, true);
      const json = res.json as { RetInfo?: string } | undefined;
      Object.assign(outcome, { status: res.status, retCode: retCodeOf(res.json), retInfo: json?.RetInfo });
    } catch (err) {
      outcome.error = err instanceof Error ? err.message : String(err);
    }
    outcomes.push(outcome);
  }

  async function opOnce(rule: LinkageRule, fresh: boolean) {
    const session = await sessionFor(rule.act, fresh);
    const body = {
      UserID: session.userId,
      Device: [{ DeviceInfo: { deviceID: rule.act.deviceId }, DeviceAttr: rule.act.attrs }],
    };
    return post("devices/op", body, session.accessToken);
  }

  return async function onReport(report: { DeviceID?: unknown; DeviceStatus?: unknown }): Promise<void> {
    const status = (report.DeviceStatus ?? {}) as Record<string, unknown>;
    const runs = rules
      .map((rule, index) => ({ rule, index }))
      .filter(
        ({ rule }) => rule.when.deviceId === report.DeviceID && status[rule.when.attr] === rule.when.equals,
      )
      .map(({ rule, index }) => run(index, rule));
    await Promise.all(runs);
  };
}
