import { describe, expect, it } from "vitest";
import type { Adapter } from "../src/index.ts";
import {
  type AdapterCall,
  AdapterError,
  createAdapterRegistry,
  memorySessionStore,
  withSession,
} from "../src/index.ts";

function callWith(store = memorySessionStore()): AdapterCall {
  return {
    platform: { platId: "V", apiBaseUrl: "http://x/v1", adapterConfig: {}, manufacturerCodes: [] },
    hub: { platId: "HUB" },
    user: { userId: "u1" },
    sessions: store,
    issueAuthToken: async () => "t",
    http: {
      postJson: async () => ({ status: 200, headers: {}, text: "{}" }),
      send: async () => ({ status: 200, headers: {}, text: "{}" }),
    },
  };
}

function loginCounter() {
  let n = 0;
  return {
    adapter: { login: async () => ({ vendorUserId: "vu", accessToken: `tok${++n}` }) },
    count: () => n,
  };
}

describe("withSession", () => {
  it("logs in once, saves, and reuses the stored session", async () => {
    const store = memorySessionStore();
    const { adapter, count } = loginCounter();
    const seen: string[] = [];
    await withSession(callWith(store), adapter, async (s) => seen.push(s.accessToken));
    await withSession(callWith(store), adapter, async (s) => seen.push(s.accessToken));
    expect(seen).toEqual(["tok1", "tok1"]);
    expect(count()).toBe(1);
  });

  it("takes a session the store holds in memory without asking load, and asks load when it holds none", async () => {
    const held = { vendorUserId: "vu", accessToken: "in-memory" };
    const loads: string[] = [];
    const store = (cached: typeof held | undefined) => ({
      ...memorySessionStore(),
      cached: () => cached,
      load: async () => {
        loads.push("load");
        return { vendorUserId: "vu", accessToken: "from-load" };
      },
    });
    const { adapter } = loginCounter();
    const fromMemory = await withSession(callWith(store(held)), adapter, async (s) => s.accessToken);
    expect(fromMemory).toBe("in-memory");
    expect(loads).toEqual([]);
    const fromLoad = await withSession(callWith(store(undefined)), adapter, async (s) => s.accessToken);
    expect(fromLoad).toBe("from-load");
    expect(loads).toEqual(["load"]);
  });

  it("retries a rejected in-memory session like a loaded one: cleared, one login, one repeat", async () => {
    const store = memorySessionStore({ vendorUserId: "vu", accessToken: "stale" });
    const { adapter, count } = loginCounter();
    const result = await withSession(
      callWith({ ...store, load: async () => undefined }),
      adapter,
      async (s) => {
        if (s.accessToken === "stale") throw new AdapterError("unauthorized", "expired");
        return s.accessToken;
      },
    );
    expect(result).toBe("tok1");
    expect(count()).toBe(1);
  });

  it("logs in again exactly once when the vendor rejects a stored token", async () => {
    const store = memorySessionStore({ vendorUserId: "vu", accessToken: "stale" });
    const { adapter, count } = loginCounter();
    const result = await withSession(callWith(store), adapter, async (s) => {
      if (s.accessToken === "stale") throw new AdapterError("unauthorized", "expired");
      return s.accessToken;
    });
    expect(result).toBe("tok1");
    expect(count()).toBe(1);
    expect(store.current()?.accessToken).toBe("tok1");
  });

  it("gives up after the one retry and clears the store", async () => {
    const store = memorySessionStore({ vendorUserId: "vu", accessToken: "stale" });
    const { adapter, count } = loginCounter();
    const fail = withSession(callWith(store), adapter, async () => {
      throw new AdapterError("unauthorized", "always");
    });
    await expect(fail).rejects.toMatchObject({ kind: "unauthorized" });
    expect(count()).toBe(1);
  });

  it("does not retry a fresh session or other failures", async () => {
    const { adapter, count } = loginCounter();
    const store = memorySessionStore();
    await expect(
      withSession(callWith(store), adapter, async () => {
        throw new AdapterError("unauthorized", "x");
      }),
    ).rejects.toBeInstanceOf(AdapterError);
    expect(count()).toBe(1);
    expect(store.current()).toBeUndefined();
    await expect(
      withSession(callWith(store), adapter, async () => {
        throw new AdapterError("rejected", "no", "500");
      }),
    ).rejects.toMatchObject({ kind: "rejected" });
    expect(count()).toBe(2);
  });
});

describe("createAdapterRegistry", () => {
  it("finds adapters by name and refuses duplicates", () => {
    const fake = { name: "fake" } as unknown as Adapter;
    const registry = createAdapterRegistry([fake]);
    expect(registry.get("fake")).toBe(fake);
    expect(registry.get("nope")).toBeUndefined();
    expect(registry.names()).toEqual(["fake"]);
    expect(() => createAdapterRegistry([fake, fake])).toThrow(/twice/);
  });
});
