import type { IncomingMessage } from "node:http";
import { RetCode, retBody } from "@yunlian/protocol";

/** The RetCode body of a 413 (the listener answers it for every route). */
export function tooLargeBody(maxBytes: number) {
  return retBody(RetCode.TOO_LARGE, `request body is larger than ${maxBytes} bytes`);
}

/** GET and HEAD carry no body the hub reads; every other method may. */
export function mayHaveBody(method: string | undefined): boolean {
  return method !== "GET" && method !== "HEAD";
}

/**
 * The body as bytes, or undefined when it is larger than `maxBytes`: a declared Content-Length
 * is judged before anything is read, a chunked body as it arrives (reading stops there).
 * Rejects when the client goes away mid-body.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
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
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}
