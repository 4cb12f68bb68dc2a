import { randomBytes } from "node:crypto";
import { SIM_PRODUCTS, type SimDeviceSeed } from "./spec.ts";

export interface SimTuyaDevice {
  id: string;
  productId: string;
  name: string;
  online: boolean;
  status: Map<string, unknown>;
}

/** The simulated Tuya cloud project: devices, app users, who holds which device, and tokens. */
export class TuyaCloudState {
  readonly devices = new Map<string, SimTuyaDevice>();
  /** username → uid. */
  readonly users = new Map<string, string>();
  /** device id → uids it is authorised to (a device may be shared within a home). */
  readonly holders = new Map<string, Set<string>>();
  private readonly access = new Map<string, number>();
  private readonly refresh = new Map<string, string>();
  private nextUid = 1;

  constructor(
    seeds: SimDeviceSeed[],
    private readonly tokenTtlMs: number,
  ) {
    for (const s of seeds) {
      if (!SIM_PRODUCTS[s.productId]) throw new Error(`tuya-sim: no product ${s.productId}`);
      this.devices.set(s.id, {
        id: s.id,
        productId: s.productId,
        name: s.name,
        online: true,
        status: new Map(Object.entries(s.status)),
      });
    }
  }

  issueToken() {
    const access_token = randomBytes(16).toString("hex");
    const refresh_token = randomBytes(16).toString("hex");
    this.access.set(access_token, Date.now() + this.tokenTtlMs);
    this.refresh.set(refresh_token, access_token);
    return { access_token, refresh_token, expire_time: Math.round(this.tokenTtlMs / 1000), uid: "project" };
  }

  /** Refreshing retires the old access token, as Tuya does. */
  refreshToken(refreshToken: string) {
    const old = this.refresh.get(refreshToken);
    if (old === undefined) return undefined;
    this.refresh.delete(refreshToken);
    this.access.delete(old);
    return this.issueToken();
  }

  tokenLive(token: string | undefined): boolean {
    const expiresAt = token === undefined ? undefined : this.access.get(token);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  invalidateTokens(): void {
    this.access.clear();
    this.refresh.clear();
  }

  uidFor(username: string): string {
    let uid = this.users.get(username);
    if (uid === undefined) {
      uid = `ay${String(this.nextUid++).padStart(14, "0")}`;
      this.users.set(username, uid);
    }
    return uid;
  }

  hasUser = (uid: string) => [...this.users.values()].includes(uid);

  deleteUser(uid: string): void {
    for (const [name, id] of this.users) if (id === uid) this.users.delete(name);
    for (const set of this.holders.values()) set.delete(uid);
  }

  holds = (uid: string, id: string) => this.holders.get(id)?.has(uid) === true;

  details(d: SimTuyaDevice) {
    const product = SIM_PRODUCTS[d.productId];
    const status = [...d.status].map(([code, value]) => ({ code, value }));
    return {
      id: d.id,
      name: d.name,
      product_id: d.productId,
      product_name: product?.name,
      category: product?.category,
      online: d.online,
      status,
    };
  }
}
