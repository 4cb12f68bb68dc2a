import { isAdapterError } from "./errors.ts";
import type { Adapter, AdapterCall, SessionStore, VendorSession } from "./types.ts";

/**
 * Runs `fn` with the stored vendor session, logging in first when there is none. When the vendor
 * says a stored token is no longer valid, the session is dropped, the user logged in again once and
 * `fn` retried once. A session that was just created is not retried: a vendor that rejects a fresh
 * token would only loop.
 */
export async function withSession<T>(
  call: AdapterCall,
  adapter: Pick<Adapter, "login">,
  fn: (session: VendorSession) => Promise<T>,
): Promise<T> {
  const stored = call.sessions.cached?.() ?? (await call.sessions.load());
  const session = stored ?? (await loginAndSave(call, adapter));
  try {
    return await fn(session);
  } catch (err) {
    if (!isAdapterError(err, "unauthorized")) throw err;
    await call.sessions.clear();
    if (stored === undefined) throw err;
    const fresh = await loginAndSave(call, adapter);
    return await fn(fresh);
  }
}

async function loginAndSave(call: AdapterCall, adapter: Pick<Adapter, "login">): Promise<VendorSession> {
  const session = await adapter.login(call);
  await call.sessions.save(session);
  return session;
}

/** An in-memory SessionStore, for tests and tools (the hub persists sessions in its database). */
export function memorySessionStore(
  initial?: VendorSession,
): SessionStore & { current(): VendorSession | undefined } {
  let value = initial;
  return {
    load: async () => value,
    cached: () => value,
    save: async (s) => {
      value = s;
    },
    clear: async () => {
      value = undefined;
    },
    current: () => value,
  };
}
