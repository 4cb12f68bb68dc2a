import { retCodeOf } from "../shared/sign.ts";
import type { HubClient, HubSession } from "./hub-client.ts";

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
  hub: HubClient;
  users: readonly { loginId: string; authToken: string }[];
}

/**
 * Runs matching rules against one report; hub sessions for `loginId` rules are cached and renewed
 * once when the hub says the token is gone (HTTP 401, or RetCode "401" under `always200`).
 */
export function createLinkageRunner(
  deps: LinkageDeps,
  rules: readonly LinkageRule[],
  outcomes: LinkageOutcome[],
) {
  const sessions = new Map<string, HubSession>();

  async function hubLogin(loginId: string): Promise<HubSession> {
    const user = deps.users.find((u) => u.loginId === loginId);
    if (user === undefined) throw new Error(`linkage: no user ${loginId} in this platform's table`);
    const session = await deps.hub.login(loginId, user.authToken);
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
      const gone = res.status === 401 || retCodeOf(res.json) === "401";
      if (gone && rule.act.loginId) res = await opOnce(rule, true);
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
    return deps.hub.call("devices/op", body, { accessToken: session.accessToken });
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
