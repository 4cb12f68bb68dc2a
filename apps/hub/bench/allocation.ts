import { WebSocket } from "undici";

/**
 * Bytes a server process allocates per request, garbage included: V8's sampling heap profiler,
 * told to keep the objects minor and major GCs collected (without that it reports only what is
 * still alive), over the span of `load`, divided by the requests `load` says it made. Unlike CPU
 * time, this barely moves with the machine's phase (repeats of one build agree within 1 %), so it
 * shows changes of a few per cent that the CPU figure hides. The server must run with
 * `--inspect=127.0.0.1:<inspectorPort>`; the sampler slows it down, so nothing else is measured
 * from that process.
 */
export async function allocatedPerRequest(
  inspectorPort: number,
  load: () => Promise<number>,
): Promise<number> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target at port ${inspectorPort}`);
  const inspector = await connect(url);
  try {
    await inspector.call("HeapProfiler.startSampling", {
      samplingInterval: 256,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    const requests = await load();
    const { profile } = (await inspector.call("HeapProfiler.stopSampling")) as {
      profile: { head: SampledNode };
    };
    return sampledBytes(profile.head) / requests;
  } finally {
    inspector.close();
  }
}

interface SampledNode {
  selfSize: number;
  children: SampledNode[];
}

function sampledBytes(node: SampledNode): number {
  let bytes = node.selfSize;
  for (const child of node.children) bytes += sampledBytes(child);
  return bytes;
}

/** A minimal Chrome DevTools Protocol client: one call at a time is all this needs. */
async function connect(url: string) {
  const socket = new WebSocket(url);
  const pending = new Map<number, (result: unknown) => void>();
  let nextId = 0;
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: unknown };
    if (message.id === undefined) return;
    pending.get(message.id)?.(
      message.error ? Promise.reject(new Error(JSON.stringify(message.error))) : message.result,
    );
    pending.delete(message.id);
  };
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error(`cannot connect to the inspector at ${url}`));
  });
  return {
    call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
      const id = ++nextId;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => socket.close(),
  };
}
