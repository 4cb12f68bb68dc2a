import { createServer } from "node:net";
import type { DeviceInfo } from "@yunlian/protocol";
import { memorySessionStore } from "../session.ts";
import type { Adapter, AdapterCall, SessionStore, VendorPlatform } from "../types.ts";

/**
 * What an adapter package provides to run the conformance suite against its simulator. Device ids
 * are always the hub's UDeviceIDs and attribute names the hub's: a native adapter's simulator
 * speaks its own API, and the adapter under test translates.
 */
export interface ConformanceEnv {
  /** The vendor platform as registered at the hub (its apiBaseUrl points at the simulator). */
  platform: VendorPlatform;
  /** A call for the given hub user (≤ 20 characters); the suite replaces `sessions` with its own store. */
  makeCall(userId: string): AdapterCall;
  /** At least three devices the simulator knows and nobody holds; the third is never bound by the suite. */
  deviceIds: string[];
  /** A well-formed UDeviceID of this vendor that the simulator does not know. */
  unknownDeviceId: string;
  /** A command the device accepts that changes its state (default `{ onOffStatus: "True" }`). */
  command?(deviceId: string): Record<string, string>;
  /** DeviceInfo fields to change in the modify test (default: a new `model`). */
  modification?(deviceId: string): DeviceInfo;
  /**
   * Makes every session token the simulator issued invalid, as a token expiry would. The hooks
   * below (simulator control) are optional: a check that needs a missing one is skipped.
   */
  invalidateTokens?(): void | Promise<void>;
  /** While on, the simulator accepts connections but never answers. */
  setHanging?(on: boolean): void | Promise<void>;
  /** A platform whose API cannot be reached (default: apiBaseUrl on a closed local port). */
  unreachablePlatform?(): Promise<VendorPlatform>;
  /**
   * Changes the device's state at the simulator and returns the report body the simulator pushed,
   * exactly as the hub's inbound dataGateway would receive it (parsed JSON or raw text).
   */
  nativeReport?(deviceId: string, attrs: Record<string, string>): Promise<unknown>;
  /**
   * The device ID `parseReport` gives for a report of this device (its `vendorDeviceId` when set,
   * else `udeviceId`; default: the UDeviceID). A vendor that names devices by its own IDs (standard
   * adapter, `deviceIds: "vendor"`) reports them that way, and the hub maps them to UDeviceIDs
   * through its bindings.
   */
  reportedDeviceId?(deviceId: string): string;
  teardown(): Promise<void>;
}

/** How a case is registered: vitest's `it`, or `it.fails` for a case listed in `knownGaps`. */
export type CaseFn = (
  name: string,
  options: { timeout: number },
  fn: (ctx: { skip(note?: string): void }) => Promise<void>,
) => void;

export interface RunConformanceOptions {
  name: string;
  adapter: Adapter;
  setup(): Promise<ConformanceEnv>;
  /** Per-test timeout in ms (default 10 s). */
  timeoutMs?: number;
  /**
   * Checks this adapter is known to fail today, by name → why. They run as `it.fails`: the run stays
   * green while the gap is there and turns red the day it is closed, so the entry is removed then.
   */
  knownGaps?: Readonly<Record<string, string>>;
}

/** A session store that counts saves: every (re-)login through `withSession` saves exactly once. */
export function countingStore(): SessionStore & {
  saves: number;
  current(): ReturnType<SessionStore["load"]>;
} {
  const inner = memorySessionStore();
  const store = {
    saves: 0,
    load: () => inner.load(),
    save: async (s: Parameters<SessionStore["save"]>[0]) => {
      store.saves++;
      await inner.save(s);
    },
    clear: () => inner.clear(),
    current: () => inner.load(),
  };
  return store;
}

let counter = 0;
/** A fresh hub user id per test, so tests never share a vendor session or bindings. */
export function freshUserId(): string {
  counter++;
  return `cf${Date.now().toString(36)}${counter}`.slice(0, 20);
}

/** A URL on a local port that was free a moment ago: connections to it are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 1;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

export function withStore(env: ConformanceEnv, userId = freshUserId()) {
  const sessions = countingStore();
  const call: AdapterCall = { ...env.makeCall(userId), sessions };
  return { call, sessions, userId };
}
