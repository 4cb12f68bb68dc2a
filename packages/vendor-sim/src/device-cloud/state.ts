import { randomUUID } from "node:crypto";
import type { SimDevice, SimDeviceInfo, SimDeviceSeed } from "../devices.ts";

export interface SimUser {
  userId: string;
  /** The platform that logged this user in (the hub, for hub users). */
  platId: string;
  loginId: string;
}

/** Per-binding DeviceInfo fields (the standard's example: `name`); deviceInfo answers them as null. */
export const BINDING_FIELDS: ReadonlySet<string> = new Set(["name"]);

/** How sessions age: an AccessToken older than `ttlMs` (when set) is gone, as if never issued. */
export interface SessionClock {
  ttlMs?: number;
  now(): number;
}

/** The whole in-memory vendor cloud: devices, users, tokens and bindings. No I/O here. */
export class CloudState {
  readonly devices = new Map<string, SimDevice>();
  readonly users = new Map<string, SimUser>();
  private readonly userByLogin = new Map<string, SimUser>();
  /** AccessToken → its user and when it was issued. */
  private readonly tokens = new Map<string, { userId: string; issuedAt: number }>();
  /** udid → (userId → per-binding fields). */
  readonly bindings = new Map<string, Map<string, Record<string, string | null>>>();
  // Large numeric ids like the standard's example ("100013954770780042"): they exercise the
  // big-integer leniency wherever a client writes UserID as a JSON number.
  private nextUser = 100013954770780000n;

  constructor(
    seeds: readonly SimDeviceSeed[],
    private readonly clock: SessionClock = { now: Date.now },
  ) {
    for (const seed of seeds) {
      this.devices.set(seed.info.deviceID, { info: { ...seed.info }, attrs: { ...seed.attrs } });
    }
  }

  /** Creates the user on first login, reuses it afterwards (standard 7.1.1). */
  loginUser(platId: string, loginId: string): { user: SimUser; accessToken: string } {
    const key = `${platId}\u0000${loginId}`;
    let user = this.userByLogin.get(key);
    if (user === undefined) {
      this.nextUser += 1n;
      user = { userId: String(this.nextUser), platId, loginId };
      this.userByLogin.set(key, user);
      this.users.set(user.userId, user);
    }
    const accessToken = `TGT-${randomUUID()}`;
    this.tokens.set(accessToken, { userId: user.userId, issuedAt: this.clock.now() });
    return { user, accessToken };
  }

  /** The token's user; an expired token is forgotten on the way (its session is over). */
  userOfToken(token: string | undefined): SimUser | undefined {
    const entry = token === undefined ? undefined : this.tokens.get(token);
    if (entry === undefined || token === undefined) return undefined;
    const { ttlMs } = this.clock;
    if (ttlMs !== undefined && this.clock.now() - entry.issuedAt >= ttlMs) {
      this.tokens.delete(token);
      return undefined;
    }
    return this.users.get(entry.userId);
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  invalidateTokens(): void {
    this.tokens.clear();
  }

  removeUser(user: SimUser): void {
    for (const [token, entry] of this.tokens) if (entry.userId === user.userId) this.tokens.delete(token);
    for (const holders of this.bindings.values()) holders.delete(user.userId);
    this.users.delete(user.userId);
    this.userByLogin.delete(`${user.platId}\u0000${user.loginId}`);
  }

  isBound(udid: string, user: SimUser): boolean {
    return this.bindings.get(udid)?.has(user.userId) === true;
  }

  /** Why `user` may not bind `udid`, or undefined when it may (standard 7.2.1's trust rule). */
  bindRefusal(udid: string, user: SimUser): string | undefined {
    if (!this.devices.has(udid)) return "unknown device";
    for (const holderId of this.bindings.get(udid)?.keys() ?? []) {
      const holder = this.users.get(holderId);
      // A platform vouches for its own users; another platform's user is not trusted.
      if (holder !== undefined && holder.platId !== user.platId) return "bound to a user of another platform";
    }
    return undefined;
  }

  bind(udid: string, user: SimUser): void {
    let holders = this.bindings.get(udid);
    if (holders === undefined) {
      holders = new Map();
      this.bindings.set(udid, holders);
    }
    if (!holders.has(user.userId)) holders.set(user.userId, {});
  }

  unbind(udid: string, user: SimUser): boolean {
    return this.bindings.get(udid)?.delete(user.userId) === true;
  }

  devicesOf(user: SimUser): { info: SimDeviceInfo; binding: Record<string, string | null> }[] {
    const out: { info: SimDeviceInfo; binding: Record<string, string | null> }[] = [];
    for (const [udid, holders] of this.bindings) {
      const binding = holders.get(user.userId);
      const device = this.devices.get(udid);
      if (binding !== undefined && device !== undefined) out.push({ info: device.info, binding });
    }
    return out;
  }

  bindingOf(udid: string, user: SimUser): Record<string, string | null> | undefined {
    return this.bindings.get(udid)?.get(user.userId);
  }
}
