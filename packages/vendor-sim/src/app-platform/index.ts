import { OpResultReport, parseLenientJson, parseRequest, retBody } from "@yunlian/protocol";
import { Hono } from "hono";
import { createHangPool, listen } from "../shared/server.ts";
import { verifySignature } from "../shared/sign.ts";
import { createHubClient, type HubClient } from "./hub-client.ts";
import { createLinkageRunner, type LinkageOutcome, type LinkageRule } from "./linkage.ts";
import { withDeviceStatusObject } from "./report-body.ts";

export type ReceiverMode = "ok" | "fail500" | "down410" | "hang";

export interface ReceivedReport {
  /** Lower-cased names, as received (incl. `webhook-id`, `webhook-timestamp`, `webhook-signature`). */
  headers: Record<string, string>;
  /** The canonical report when it parsed, else the raw text. */
  body: unknown;
  text: string;
  webhookId?: string;
  /** Only when the platform has a webhookSecret: did the Standard Webhooks signature verify? */
  signatureValid?: boolean;
  /** The answer this attempt got (receiver modes make it fail). */
  answeredStatus: number;
  receivedAt: number;
}

export interface AppPlatformOptions {
  platId: string;
  port?: number;
  /** Interface to listen on (default 127.0.0.1; `0.0.0.0` in containers). */
  hostname?: string;
  users: { loginId: string; authToken: string }[];
  /** The hub's base URL (without `/v1`), for linkage rules. */
  hubUrl?: string;
  /** The hub-issued AppID this platform sends in its `AppID` header. */
  appId?: string;
  /** Hub-issued appSecret: signs this platform's calls to the hub (method, path and body). */
  appSecret?: string;
  /** Hub-issued webhookSecret: verifies the hub's deliveries and verify calls. */
  webhookSecret?: string;
  rules?: LinkageRule[];
  /**
   * A platform built to the letter of the standard (README "Strict mode"): its hub client
   * (hub-client.ts) sends `PlateID`, AuthToken in the login header, UserID as a bare number and no
   * Idempotency-Key, and treats any HTTP status but 200 as a transport failure; its verify endpoint
   * (7.1.4, tables 26–27) and dataGateway receiver (7.2.8, tables 50–51) answer RetCode "200" or
   * "500", always with HTTP 200. It signs nothing, so `appSecret` is refused with it.
   */
  strict?: boolean;
  /**
   * Refuse (HTTP 401, RetCode "401") a delivery whose Standard Webhooks signature does not verify
   * with `webhookSecret` — missing, forged, over another body, or older than 5 minutes — as a
   * receiver should. Default false: the receiver records `signatureValid` and accepts anyway (what a
   * certification run reports as the "unsigned delivery accepted" fault).
   */
  verifyDeliveries?: boolean;
}

export interface AppPlatform {
  url: string;
  port: number;
  verifyUrl: string;
  dataGatewayUrl: string;
  reports: ReceivedReport[];
  /**
   * The hub's own notices to this platform's dataGateway (a DataType the standard does not have,
   * such as "grant": docs/design.md §7), body parsed; answered 200 in receiver mode ok.
   */
  notices: ReceivedReport[];
  /** Every verify request received (headers and body), for handshake assertions. */
  verifyCalls: {
    headers: Record<string, string>;
    body: unknown;
    /** The raw body, as signed. */
    text: string;
    retCode: string;
    /** Only when the platform has a webhookSecret: did the hub's signature verify? */
    signatureValid?: boolean;
  }[];
  linkage: LinkageOutcome[];
  /** This platform's client of the hub's standard API (set when `hubUrl` is). */
  hub: HubClient | undefined;
  setReceiverMode(mode: ReceiverMode): void;
  /** Resolves with the reports once at least `n` arrived; rejects after `timeoutMs`. */
  waitForReports(n: number, timeoutMs?: number): Promise<ReceivedReport[]>;
  /** Resolves once at least `n` linkage outcomes are recorded; rejects after `timeoutMs`. */
  waitForLinkage(n: number, timeoutMs?: number): Promise<LinkageOutcome[]>;
  close(): Promise<void>;
}

export async function startAppPlatform(opts: AppPlatformOptions): Promise<AppPlatform> {
  const strict = opts.strict === true;
  if (strict && opts.appSecret !== undefined) {
    throw new Error(
      "vendor-sim: a strict platform signs nothing (the standard has no signatures); drop appSecret",
    );
  }
  const reports: ReceivedReport[] = [];
  const notices: ReceivedReport[] = [];
  const verifyCalls: AppPlatform["verifyCalls"] = [];
  const linkage: LinkageOutcome[] = [];
  const hang = createHangPool();
  let mode: ReceiverMode = "ok";
  const hub = opts.hubUrl ? createHubClient({ ...opts, hubUrl: opts.hubUrl }) : undefined;
  const runRules =
    opts.rules && opts.rules.length > 0 && hub
      ? createLinkageRunner({ hub, users: opts.users }, opts.rules, linkage)
      : undefined;
  // The hub retries deliveries with the same webhook-id: a rule must act once per report.
  const ruleSeen = new Set<string>();

  const app = new Hono();
  app.post("/v1/user/verify", async (c) => {
    const headers = Object.fromEntries(c.req.raw.headers);
    const text = await c.req.text();
    const signatureValid = opts.webhookSecret
      ? verifySignature(opts.webhookSecret, text, headers)
      : undefined;
    const parsed = parseRequest("user/verify", text, headers);
    // A platform that holds its webhookSecret vouches only for verify calls the hub signed.
    const ok =
      signatureValid !== false &&
      parsed.ok &&
      // Table 26: the calling cloud's PlatID is a required header.
      (!strict || parsed.headers.platId !== undefined) &&
      opts.users.some(
        (u) => u.loginId === parsed.body.User[0]?.UserBase.loginID && u.authToken === parsed.body.AuthToken,
      );
    // Table 27 answers RetCode only; a strict platform knows no code but "200" and "500".
    const answer = ok
      ? retBody("200", "身份验证成功")
      : strict
        ? retBody("500", "用户身份验证失败")
        : retBody("401", "user not verified");
    verifyCalls.push({
      headers,
      body: parsed.ok ? parsed.body : undefined,
      text,
      retCode: answer.RetCode,
      signatureValid,
    });
    return c.json(answer, 200);
  });

  app.post("/v1/dataservices/dataGateway", async (c) => {
    const headers = Object.fromEntries(c.req.raw.headers);
    const text = await c.req.text();
    const notice = hubNotice(text);
    if (notice) {
      const answeredStatus = { ok: 200, fail500: 500, down410: 410, hang: 503 }[mode];
      notices.push({
        headers,
        body: notice,
        text,
        webhookId: headers["webhook-id"],
        signatureValid: opts.webhookSecret ? verifySignature(opts.webhookSecret, text, headers) : undefined,
        answeredStatus,
        receivedAt: Date.now(),
      });
      if (mode === "hang") await hang.park();
      return c.json(retBody(answeredStatus === 200 ? "200" : "500", "ok"), answeredStatus as 200);
    }
    if (
      opts.verifyDeliveries &&
      !(opts.webhookSecret && verifySignature(opts.webhookSecret, text, headers))
    ) {
      return c.json(retBody("401", "webhook signature does not verify"), 401);
    }
    // Table 50 types DeviceStatus String, the examples show an object: both are read.
    const parsed = isOpResult(text)
      ? opResultOf(text)
      : parseRequest("dataservices/dataGateway", withDeviceStatusObject(text), headers);
    const unreadable = strict ? 200 : 400;
    const status = { ok: parsed.ok ? 200 : unreadable, fail500: 500, down410: 410, hang: 503 }[mode];
    const webhookId = headers["webhook-id"];
    reports.push({
      headers,
      body: parsed.ok ? parsed.body : text,
      text,
      webhookId,
      signatureValid: opts.webhookSecret ? verifySignature(opts.webhookSecret, text, headers) : undefined,
      answeredStatus: status,
      receivedAt: Date.now(),
    });
    if (mode === "hang") await hang.park();
    if (status !== 200 || !parsed.ok) {
      const why = parsed.ok ? `simulated receiver mode ${mode}` : parsed.retInfo;
      return c.json(retBody("500", strict && !parsed.ok ? `上报数据格式错误：${why}` : why), status as 500);
    }
    const body = parsed.body;
    // Linkage rules run on the standard's reports; an op's outcome triggers none.
    if (runRules && body.DataType !== "opResult" && !(webhookId && ruleSeen.has(webhookId))) {
      if (webhookId) ruleSeen.add(webhookId);
      // After the answer: a rule's round trip through the hub must not hold up the delivery.
      setImmediate(() => void runRules(body));
    }
    return c.json(retBody("200", "上报成功"), 200);
  });
  app.all("*", (c) =>
    strict
      ? c.json(retBody("500", `路径 ${c.req.path} 不存在`), 200)
      : c.json(retBody("404", `no such path ${c.req.path}`), 404),
  );

  const server = await listen(app, opts.port, opts.hostname);
  const url = `${server.origin}/v1`;
  return {
    url,
    port: server.port,
    verifyUrl: `${url}/user/verify`,
    dataGatewayUrl: `${url}/dataservices/dataGateway`,
    reports,
    notices,
    verifyCalls,
    linkage,
    hub,
    setReceiverMode: (next) => {
      mode = next;
      if (next !== "hang") hang.releaseAll();
    },
    waitForReports: (n, timeoutMs = 5000) =>
      waitFor(() => reports.length >= n, timeoutMs, reports, "reports"),
    waitForLinkage: (n, timeoutMs = 5000) =>
      waitFor(() => linkage.length >= n, timeoutMs, linkage, "linkage outcomes"),
    close: async () => {
      hang.releaseAll();
      await server.close();
    },
  };
}

function waitFor<T>(done: () => boolean, timeoutMs: number, value: T, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (done()) resolve(value);
      else if (Date.now() > deadline) reject(new Error(`vendor-sim: timed out waiting for ${what}`));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

/**
 * The DataTypes read as reports: the standard's, and opResult (an op's outcome, read by its own
 * schema); any other one on the dataGateway is a notice of the hub's own (a sharing grant).
 */
const STANDARD_DATA_TYPES = new Set(["attr", "alarm", "onOffline", "opResult"]);

/** The body of a hub notice (a JSON object whose DataType is a string the standard does not define), else undefined. */
function hubNotice(text: string): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
    const dataType = (body as Record<string, unknown>).DataType;
    if (typeof dataType !== "string" || STANDARD_DATA_TYPES.has(dataType)) return undefined;
    return body as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The hub's opResult delivery (an extension a platform opts in to) is read by its own schema. */
function isOpResult(text: string): boolean {
  const parsed = parseLenientJson(text);
  return parsed.ok && (parsed.value as { DataType?: unknown } | null)?.DataType === "opResult";
}

function opResultOf(text: string): { ok: true; body: OpResultReport } | { ok: false; retInfo: string } {
  const read = OpResultReport.safeParse(JSON.parse(text));
  return read.success ? { ok: true, body: read.data } : { ok: false, retInfo: read.error.message };
}
