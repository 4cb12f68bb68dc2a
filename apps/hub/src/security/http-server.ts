import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import type { HubConfig } from "../config.ts";

/** A PEM given inline (docker secrets, env) or as a file path. */
function pem(value: string): string {
  return value.includes("-----BEGIN") ? value : readFileSync(value, "utf8");
}

/**
 * The hub's listening server with the limits of docs/security.md: header size, request and
 * header timeouts, idle keep-alive; HTTPS when HUB_TLS_CERT/HUB_TLS_KEY are set, asking every
 * client for a certificate (checked against HUB_TLS_CA). Clients without one are still served:
 * only platforms in mode mtls need one, and authenticateCaller refuses them without it.
 */
export function serveHub(
  listener: RequestListener,
  config: Pick<HubConfig, "port" | "host" | "tls" | "server">,
): Server {
  const limits = {
    maxHeaderSize: config.server.maxHeaderBytes,
    requestTimeout: config.server.requestTimeoutMs,
    headersTimeout: config.server.headersTimeoutMs,
    keepAliveTimeout: config.server.keepAliveTimeoutMs,
    // How often Node checks the two timeouts above (its default, 30 s, would make them coarse).
    connectionsCheckingInterval: Math.min(1000, config.server.headersTimeoutMs),
  };
  const tls = config.tls
    ? {
        cert: pem(config.tls.cert),
        key: pem(config.tls.key),
        ...(config.tls.ca ? { ca: pem(config.tls.ca) } : {}),
        requestCert: true,
        rejectUnauthorized: false,
      }
    : undefined;
  const server: Server = tls
    ? createHttpsServer({ ...limits, ...tls }, listener)
    : createHttpServer(limits, listener);
  server.listen(config.port, config.host);
  // A connection idle this long without a complete request is closed (slowloris).
  server.timeout = config.server.requestTimeoutMs;
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket));
  return server;
}

/**
 * Requests Node refuses before the app sees them (oversized headers, malformed HTTP) still get a
 * `{RetCode, RetInfo}` body, and the connection is closed.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || (err.code === "ECONNRESET" && socket.destroyed)) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
  const timeout = err.code === "ERR_HTTP_REQUEST_TIMEOUT";
  const [status, reason, retCode, info] = tooLarge
    ? [431, "Request Header Fields Too Large", "400", "request headers are too large"]
    : timeout
      ? [408, "Request Timeout", "400", "request was not received in time"]
      : [400, "Bad Request", "400", "malformed HTTP request"];
  const body = JSON.stringify({ RetCode: retCode, RetInfo: info });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
