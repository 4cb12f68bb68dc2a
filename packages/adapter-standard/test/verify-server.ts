import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The hub's verify endpoint in miniature: RetCode "200" only for (loginID, AuthToken) pairs this
 * test issued through `issue()`.
 */
export async function startVerifyServer() {
  const issued = new Map<string, string>();
  const seenPlatIds: string[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
    });
    req.on("end", () => {
      seenPlatIds.push(String(req.headers.platid ?? ""));
      let ok = false;
      try {
        const body = JSON.parse(text) as { User?: { UserBase?: { loginID?: string } }[]; AuthToken?: string };
        const loginId = body.User?.[0]?.UserBase?.loginID;
        ok = body.AuthToken !== undefined && loginId !== undefined && issued.get(body.AuthToken) === loginId;
      } catch {
        ok = false;
      }
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify(ok ? { RetCode: "200", RetInfo: "ok" } : { RetCode: "401", RetInfo: "unknown token" }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/user/verify`,
    seenPlatIds,
    issue(loginId: string): string {
      const token = `auth-${randomUUID()}`;
      issued.set(token, loginId);
      return token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
