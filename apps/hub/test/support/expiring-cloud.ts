import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** How the cloud says a session is gone (docs/design.md §7 reads all three). */
export type ExpiryAnswer = "500-token" | "401" | "http401";

/**
 * A tiny vendor cloud that speaks the standard and expires sessions: just enough of 7.1–7.2 for the
 * hub's session handling to be watched from outside (logins and calls counted over real HTTP).
 * It does not call the hub's verify endpoint: every login is accepted.
 */
export interface ExpiringCloud {
  url: string;
  /** Every call received, in order: the API name and the AccessToken header. */
  calls: { api: string; token?: string }[];
  count(api: string): number;
  /** Every token issued so far stops working (a session expired on the vendor's clock). */
  expireAll(): void;
  /** From now on every token is refused, even one issued a moment ago (a broken vendor). */
  refuseAll(on: boolean): void;
  /** How the expiry is said: RetCode "500" naming the token (the standard's way), "401", HTTP 401. */
  answerExpiryWith(kind: ExpiryAnswer): void;
  /** The next session-bound call answers RetCode "500" with this RetInfo (a business failure). */
  failNext(retInfo: string): void;
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function startExpiringCloud(): Promise<ExpiringCloud> {
  const calls: { api: string; token?: string }[] = [];
  const live = new Set<string>();
  let issued = 0;
  let refusing = false;
  let expiry: ExpiryAnswer = "500-token";
  let failure: string | undefined;

  const server = createServer((req, res) => {
    void (async () => {
      const api = (req.url ?? "").replace(/^\/v1\//, "");
      const token = req.headers.accesstoken as string | undefined;
      calls.push({ api, ...(token === undefined ? {} : { token }) });
      const body = await bodyOf(req);
      const send = (
        status: number,
        answer: Record<string, unknown>,
        headers: Record<string, string> = {},
      ) => {
        res.writeHead(status, { "content-type": "application/json;charset=UTF-8", ...headers });
        res.end(JSON.stringify(answer));
      };
      if (api === "user/login") {
        const accessToken = `TOKEN-${++issued}`;
        live.add(accessToken);
        const loginId = (body.User as { UserBase: { loginID: string } }[] | undefined)?.[0]?.UserBase.loginID;
        return send(
          200,
          { RetCode: "200", RetInfo: "登录成功", User: [{ UserBase: { userID: `V-${loginId}` } }] },
          { AccessToken: accessToken },
        );
      }
      if (refusing || token === undefined || !live.has(token)) {
        if (expiry === "http401") return send(401, { RetCode: "401", RetInfo: "unauthorized" });
        if (expiry === "401") return send(200, { RetCode: "401", RetInfo: "token expired" });
        return send(200, { RetCode: "500", RetInfo: "AccessToken 已失效" });
      }
      if (failure !== undefined) {
        const info = failure;
        failure = undefined;
        return send(200, { RetCode: "500", RetInfo: info });
      }
      if (api === "user/logout" && token) live.delete(token);
      const devices = (body.Device as { DeviceInfo: { deviceID: string } }[] | undefined) ?? [];
      if (api === "user/bindDevices" || api === "user/unbindDevices")
        return send(200, { RetCode: "200", RetInfo: "ok", FailedIDs: [] });
      if (api === "devices/deviceStatus") {
        return send(200, {
          RetCode: "200",
          RetInfo: "ok",
          Device: devices.map((d) => ({ DeviceInfo: d.DeviceInfo, DeviceAttr: { onOffStatus: "True" } })),
        });
      }
      return send(200, { RetCode: "200", RetInfo: "ok" });
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    count: (api) => calls.filter((c) => c.api === api).length,
    expireAll: () => live.clear(),
    refuseAll: (on) => {
      refusing = on;
    },
    answerExpiryWith: (kind) => {
      expiry = kind;
    },
    failNext: (retInfo) => {
      failure = retInfo;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
