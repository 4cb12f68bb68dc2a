import { randomBytes, randomUUID } from "node:crypto";
import { SIM_MODELS, type SimDeviceSeed } from "./spec.ts";

export interface SimMiotDevice {
  did: string;
  model: string;
  name: string;
  online: boolean;
  /** "siid.piid" → value. */
  props: Map<string, unknown>;
}

interface Token {
  openId: string;
  expiresAt: number;
}

/** Everything the simulated MIoT cloud knows: devices, users, tokens and who owns which device. */
export class MiotCloudState {
  readonly devices = new Map<string, SimMiotDevice>();
  /** login_id (the hub user) → open_id. */
  readonly users = new Map<string, string>();
  /** did → the open_ids it is bound to (MIoT lets an owner share a device, so several users may hold it). */
  readonly owners = new Map<string, Set<string>>();
  private readonly tokens = new Map<string, Token>();

  constructor(
    seeds: SimDeviceSeed[],
    private readonly tokenTtlMs: number,
  ) {
    for (const seed of seeds) {
      if (!SIM_MODELS[seed.model]) throw new Error(`miot-sim: no spec for model ${seed.model}`);
      this.devices.set(seed.did, {
        did: seed.did,
        model: seed.model,
        name: seed.name,
        online: true,
        props: new Map(Object.entries(seed.props)),
      });
    }
  }

  openIdFor(loginId: string): string {
    let openId = this.users.get(loginId);
    if (openId === undefined) {
      openId = `mi_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
      this.users.set(loginId, openId);
    }
    return openId;
  }

  issueToken(openId: string): { access_token: string; refresh_token: string; expires_in: number } {
    const token = randomBytes(24).toString("base64url");
    this.tokens.set(token, { openId, expiresAt: Date.now() + this.tokenTtlMs });
    return {
      access_token: token,
      refresh_token: randomBytes(24).toString("base64url"),
      expires_in: this.tokenTtlMs / 1000,
    };
  }

  /** The open_id a live token belongs to. */
  userOf(token: string | undefined): string | undefined {
    const entry = token === undefined ? undefined : this.tokens.get(token);
    if (entry === undefined || entry.expiresAt <= Date.now()) return undefined;
    return entry.openId;
  }

  holds(openId: string, did: string): boolean {
    return this.owners.get(did)?.has(openId) === true;
  }

  bind(openId: string, did: string): void {
    const users = this.owners.get(did) ?? new Set<string>();
    users.add(openId);
    this.owners.set(did, users);
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }

  invalidateTokens(): void {
    this.tokens.clear();
  }

  deleteUser(openId: string): void {
    for (const [loginId, id] of this.users) if (id === openId) this.users.delete(loginId);
    for (const [token, entry] of this.tokens) if (entry.openId === openId) this.tokens.delete(token);
    for (const users of this.owners.values()) users.delete(openId);
  }
}
