import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { httpStatusOf, RetCode, retBody } from "@yunlian/protocol";
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
  const maxBytes = services.config.maxBodyBytes;
  return (req, res) => {
    const endpoint = req.method === "POST" && req.url !== undefined ? byPath.get(req.url) : undefined;
    if (!endpoint) {
      fallback(req, res);
      return;
    }
    const start = performance.now();
    const trace = newTrace(requestIdOf(req.headers["x-request-id"]));
    const finish = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      send(res, status, body, trace.requestId, headers);
      recordRequest(services, {
        route: endpoint.path,
        method: "POST",
        path: endpoint.path,
        status,
        trace,
        seconds: (performance.now() - start) / 1000,
      });
    };
    readBody(req, maxBytes).then(
      (rawBody) => {
        if (rawBody === undefined) {
          finish(413, retBody(RetCode.TOO_LARGE, `request body is larger than ${maxBytes} bytes`), {
            connection: "close",
          });
          return;
        }
        endpoint
          .serve(services, {
            method: "POST",
            path: endpoint.path,
            headers: req.headers,
            rawBody,
            socket: req.socket,
            trace,
          })
          .then(
            (answer) => finish(httpStatusOf(answer.body.RetCode), answer.body, answer.headers),
            (err: unknown) => {
              const failed = answerForError(err, services.log, {
                requestId: trace.requestId,
                path: endpoint.path,
              });
              finish(failed.status, failed.body, failed.headers);
            },
          );
      },
      // The client went away while sending: nobody is left to answer.
      () => req.destroy(),
    );
  };
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
