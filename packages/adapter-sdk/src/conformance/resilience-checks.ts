import { createVendorHttp } from "../http.ts";
import { adapterErrorOf, ensure, equal } from "./assert.ts";
import type { ConformanceCheck } from "./check.ts";
import { type ConformanceEnv, closedPortUrl, withStore } from "./env.ts";

const first = (env: ConformanceEnv) => env.deviceIds[0] ?? "";

/** Sessions, vendor failures and timeouts: what the hub relies on to fail one vendor cleanly. */
export const resilienceChecks: ConformanceCheck[] = [
  {
    name: "reuses the stored session, and logs in again exactly once after the vendor drops it",
    needs: ["invalidateTokens"],
    async run(adapter, env) {
      const { call, sessions } = withStore(env);
      await adapter.bind(call, [first(env)]);
      await adapter.deviceStatus(call, [first(env)]);
      equal(sessions.saves, 1, "logins (session saves) for two calls");
      const before = await sessions.load();
      await env.invalidateTokens?.();
      const [state] = await adapter.deviceStatus(call, [first(env)]);
      equal(state?.deviceId, first(env), "deviceStatus after the vendor dropped the token");
      equal(sessions.saves, 2, "logins (session saves) after the vendor dropped the token");
      ensure(
        (await sessions.load())?.accessToken !== before?.accessToken,
        "the stored session still holds the dropped token",
      );
    },
  },
  {
    name: "logout ends the session and clears the store",
    async run(adapter, env) {
      const { call, sessions } = withStore(env);
      await adapter.listDevices(call);
      await adapter.logout(call);
      equal(await sessions.load(), undefined, "stored session after logout");
      await adapter.listDevices(call);
      equal(sessions.saves, 2, "logins (session saves) after logout and another call");
    },
  },
  {
    name: "unregister removes the vendor account and clears the store",
    async run(adapter, env) {
      const { call, sessions } = withStore(env);
      await adapter.listDevices(call);
      await adapter.unregister(call);
      equal(await sessions.load(), undefined, "stored session after unregister");
    },
  },
  {
    name: "a vendor that cannot be reached fails with AdapterError unreachable",
    async run(adapter, env) {
      const platform = (await env.unreachablePlatform?.()) ?? {
        ...env.platform,
        apiBaseUrl: await closedPortUrl(),
      };
      const { call } = withStore(env);
      const error = await adapterErrorOf(
        adapter.bind({ ...call, platform }, [first(env)]),
        "bind at an unreachable vendor",
        "unreachable",
      );
      equal(error.retCode, "502", "RetCode of an unreachable vendor");
    },
  },
  {
    name: "a vendor that hangs fails with AdapterError timeout",
    needs: ["setHanging"],
    async run(adapter, env) {
      const http = createVendorHttp({ timeoutMs: 300, blockPrivateAddresses: false });
      const { call } = withStore(env);
      await adapter.listDevices(call);
      await env.setHanging?.(true);
      try {
        const started = Date.now();
        const error = await adapterErrorOf(
          adapter.listDevices({ ...call, http }),
          "listDevices at a hanging vendor",
          "timeout",
        );
        equal(error.retCode, "504", "RetCode of a hanging vendor");
        // The call's own 300 ms timeout must be honoured, not the vendor's silence waited out.
        ensure(Date.now() - started < 3000, "listDevices at a hanging vendor took 3 s or more");
      } finally {
        await env.setHanging?.(false);
        await http.close();
      }
    },
  },
];
