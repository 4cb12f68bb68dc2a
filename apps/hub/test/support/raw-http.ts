import { connect } from "node:net";

export interface RawAnswer {
  status: number;
  head: string;
  body: string;
  /** Bytes of the request body written before the answer arrived. */
  sentBeforeAnswer: number;
}

/**
 * Speaks HTTP/1.1 over a bare socket: a streamed (chunked) body written a chunk at a time, or
 * hand-made headers, which no HTTP client library lets a test send.
 */
export function rawRequest(
  url: string,
  /** A string is sent as UTF-8; a Buffer as it is (latin1 header bytes, as node reads them). */
  head: string | Buffer,
  chunks: { count: number; size: number } = { count: 0, size: 0 },
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = "";
    let sent = 0;
    let sentBeforeAnswer = -1;
    let i = 0;
    const chunk = Buffer.alloc(chunks.size, "a");
    const writeNext = () => {
      if (sentBeforeAnswer >= 0 || socket.destroyed) return;
      if (i++ >= chunks.count) {
        socket.write("0\r\n\r\n");
        return;
      }
      sent += chunk.length;
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      socket.write("\r\n", () => setTimeout(writeNext, 2));
    };
    socket.on("connect", () => {
      socket.write(head);
      if (chunks.count > 0) writeNext();
    });
    socket.on("data", (d) => {
      if (sentBeforeAnswer < 0) sentBeforeAnswer = sent;
      received += d.toString("latin1");
      const end = received.indexOf("\r\n\r\n");
      const length = /content-length:\s*(\d+)/i.exec(received)?.[1];
      if (end >= 0 && length !== undefined && received.length >= end + 4 + Number(length)) {
        socket.destroy();
        resolve({
          status: Number(received.slice(9, 12)),
          head: received.slice(0, end),
          body: received.slice(end + 4, end + 4 + Number(length)),
          sentBeforeAnswer,
        });
      }
    });
    socket.on("error", (err) => {
      if (sentBeforeAnswer < 0) reject(err);
    });
    socket.on("close", () => {
      const end = received.indexOf("\r\n\r\n");
      if (end < 0)
        reject(new Error(`connection closed without a complete answer: ${received.slice(0, 200)}`));
      else
        resolve({
          status: Number(received.slice(9, 12)),
          head: received.slice(0, end),
          body: received.slice(end + 4),
          sentBeforeAnswer,
        });
    });
  });
}
