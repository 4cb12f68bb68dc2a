import { expect } from "vitest";
import { AdapterError } from "../errors.ts";
import { createVendorHttp } from "../http.ts";
import type { Adapter } from "../types.ts";
import { type CaseFn, type ConformanceEnv, closedPortUrl, withStore } from "./env.ts";

async function errorOf(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

/** Sessions, vendor failures and timeouts: what the hub relies on to fail one vendor cleanly. */
export function registerResilienceCases(
  adapter: Adapter,
  getEnv: () => ConformanceEnv,
  timeout: number,
  test: CaseFn,
): void {
  const first = () => getEnv().deviceIds[0] ?? "";

  test("reuses the stored session, and logs in again exactly once after the vendor drops it", {
    timeout,
  }, async () => {
    const env = getEnv();
    const { call, sessions } = withStore(env);
    await adapter.bind(call, [first()]);
    await adapter.deviceStatus(call, [first()]);
    expect(sessions.saves).toBe(1);
    const before = await sessions.load();
    await env.invalidateTokens();
    const [state] = await adapter.deviceStatus(call, [first()]);
    expect(state?.deviceId).toBe(first());
    expect(sessions.saves).toBe(2);
    expect((await sessions.load())?.accessToken).not.toBe(before?.accessToken);
  });

  test("logout ends the session and clears the store", { timeout }, async () => {
    const { call, sessions } = withStore(getEnv());
    await adapter.listDevices(call);
    await adapter.logout(call);
    expect(await sessions.load()).toBeUndefined();
    await adapter.listDevices(call);
    expect(sessions.saves).toBe(2);
  });

  test("unregister removes the vendor account and clears the store", { timeout }, async () => {
    const { call, sessions } = withStore(getEnv());
    await adapter.listDevices(call);
    await adapter.unregister(call);
    expect(await sessions.load()).toBeUndefined();
  });

  test("a vendor that cannot be reached fails with AdapterError unreachable", { timeout }, async () => {
    const env = getEnv();
    const platform = (await env.unreachablePlatform?.()) ?? {
      ...env.platform,
      apiBaseUrl: await closedPortUrl(),
    };
    const { call } = withStore(env);
    const error = await errorOf(adapter.bind({ ...call, platform }, [first()]));
    expect(error.kind).toBe("unreachable");
    expect(error.retCode).toBe("502");
  });

  test("a vendor that hangs fails with AdapterError timeout", { timeout }, async () => {
    const env = getEnv();
    const http = createVendorHttp({ timeoutMs: 300, blockPrivateAddresses: false });
    const { call } = withStore(env);
    await adapter.listDevices(call);
    await env.setHanging(true);
    try {
      const started = Date.now();
      const error = await errorOf(adapter.listDevices({ ...call, http }));
      expect(error.kind).toBe("timeout");
      expect(error.retCode).toBe("504");
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await env.setHanging(false);
      await http.close();
    }
  });
}
