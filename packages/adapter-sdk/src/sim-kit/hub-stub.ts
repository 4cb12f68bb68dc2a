import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * A stand-in for the hub's two inbound endpoints: `/v1/user/verify` vouches only for AuthTokens this
 * test issued, `/v1/dataservices/dataGateway` records every push exactly as it arrived.
 */
export async function startHubStub(options: { port?: number } = {}) {
  const issued = new Map<string, string>();
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
    });
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      if (req.url?.endsWith("/user/verify")) {
        let body: { User?: { UserBase?: { loginID?: string } }[]; AuthToken?: string } = {};
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          // Not JSON: vouched for by nobody (the CLI's stub must not crash on a bad request).
        }
        const ok =
          body.AuthToken !== undefined && issued.get(body.AuthToken) === body.User?.[0]?.UserBase?.loginID;
        res.end(
          JSON.stringify(ok ? { RetCode: "200", RetInfo: "ok" } : { RetCode: "401", RetInfo: "unknown" }),
        );
        return;
      }
      received.push({ headers: req.headers, text });
      for (const wake of waiters.splice(0)) wake();
      res.end(JSON.stringify({ RetCode: "200", RetInfo: "ok" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    verifyUrl: `${origin}/v1/user/verify`,
    dataGatewayUrl: `${origin}/v1/dataservices/dataGateway`,
    received,
    issue(loginId: string): string {
      const token = `auth-${randomUUID()}`;
      issued.set(token, loginId);
      return token;
    },
    /** Resolves once `count` pushes have arrived. */
    async waitFor(count: number): Promise<Received[]> {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
