import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { httpStatusOf } from "@yunlian/protocol";
import { tooLargeBody } from "../lib/body-limit.ts";
import { answerForError } from "../lib/error-answer.ts";
import { recordRequest } from "../observability/observe-requests.ts";
import { newTrace, requestIdOf } from "../observability/request-context.ts";
import type { StandardEndpoint } from "../routes/standard/standard-route.ts";
import type { HubServices } from "../services/hub-services.ts";

const JSON_TYPE = "application/json";

/**
 * The hub's node:http request listener. A POST to one of the standard interfaces is served
 * here directly: the body read into a string, the endpoint run, the answer written in one
 * `res.end`. Everything else (GET/HEAD, other methods, admin, console, docs, unknown paths,
 * paths with a query string) goes to the Hono app. The standard API is the hub's hot path
 * (every device operation of every app), and @hono/node-server's web Request/Response layer,
 * Hono's router and its middleware chain were a large share of its CPU time per request.
 * Both paths run the same StandardEndpoint code with the same limits, errors, log line and
 * metrics, so a caller cannot tell which one answered.
 */
export function standardListener(
  services: HubServices,
  endpoints: readonly StandardEndpoint[],
  fallback: RequestListener,
): RequestListener {
  const byPath = new Map(endpoints.map((e) => [e.path, e]));
  return (req, res) => {
    const endpoint = req.method === "POST" && req.url !== undefined ? byPath.get(req.url) : undefined;
    if (endpoint === undefined) fallback(req, res);
    else void serveStandard(services, endpoint, req, res);
  };
}

/**
 * One standard request from body to answer. Written as one async function without closures:
 * it runs for every device call, and under tsx each named closure would cost a property
 * definition per request. Never rejects: a failure after the answer is only logged.
 */
async function serveStandard(
  services: HubServices,
  endpoint: StandardEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const start = performance.now();
  const trace = newTrace(requestIdOf(req.headers["x-request-id"]));
  const maxBytes = services.config.maxBodyBytes;
  let rawBody: string | undefined;
  try {
    rawBody = await readBody(req, maxBytes);
  } catch {
    // The client went away while sending: nobody is left to answer.
    req.destroy();
    return;
  }
  let status: number;
  let body: unknown;
  let headers: Record<string, string>;
  if (rawBody === undefined) {
    status = 413;
    body = tooLargeBody(maxBytes);
    headers = { connection: "close" };
  } else {
    try {
      const answer = await endpoint.serve(services, {
        method: "POST",
        path: endpoint.path,
        headers: req.headers,
        rawBody,
        socket: req.socket,
        trace,
      });
      status = httpStatusOf(answer.body.RetCode);
      body = answer.body;
      headers = answer.headers ?? {};
    } catch (err) {
      const failed = answerForError(err, services.log, { requestId: trace.requestId, path: endpoint.path });
      status = failed.status;
      body = failed.body;
      headers = failed.headers;
    }
  }
  try {
    send(res, status, body, trace.requestId, headers);
    recordRequest(services, {
      route: endpoint.path,
      method: "POST",
      path: endpoint.path,
      status,
      trace,
      seconds: (performance.now() - start) / 1000,
    });
  } catch (err) {
    services.log.error({ err, requestId: trace.requestId }, "could not send an answer");
    res.destroy();
  }
}

/**
 * The body as UTF-8 text, or undefined when it is larger than `maxBytes`: a declared
 * Content-Length is judged before anything is read, a chunked body as it arrives.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (tooLarge) return;
      resolve(
        chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : Buffer.concat(chunks).toString("utf8"),
      );
    });
    req.on("error", reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  headers: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": JSON_TYPE,
    "content-length": Buffer.byteLength(text),
    "x-request-id": requestId,
  });
  res.end(text);
}
