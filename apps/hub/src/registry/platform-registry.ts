import { manufacturerCodeOf } from "@yunlian/protocol";
import type { PlatformRecord } from "./platform-record.ts";

/**
 * The routing table: platforms by PlatID, by hub-issued AppID and by manufacturer code.
 * Held in memory so that routing a request costs a couple of Map lookups whatever the
 * number of registered vendors; kept fresh by `PlatformSync` (LISTEN/NOTIFY).
 */
export class PlatformRegistry {
  private readonly byId = new Map<string, PlatformRecord>();
  private readonly byAppId = new Map<string, PlatformRecord>();
  private readonly byCode = new Map<string, PlatformRecord>();

  get size(): number {
    return this.byId.size;
  }

  get(platId: string): PlatformRecord | undefined {
    return this.byId.get(platId);
  }

  getByAppId(appId: string): PlatformRecord | undefined {
    return this.byAppId.get(appId);
  }

  ownerOfCode(code: string): PlatformRecord | undefined {
    return this.byCode.get(code);
  }

  /** The vendor platform that owns a UDeviceID, from its 6-digit manufacturer code. */
  vendorFor(udeviceId: string): PlatformRecord | undefined {
    const code = manufacturerCodeOf(udeviceId);
    return code === undefined ? undefined : this.byCode.get(code);
  }

  all(): PlatformRecord[] {
    return [...this.byId.values()];
  }

  /** Insert or replace one platform (and re-index its codes and AppID). */
  put(record: PlatformRecord): void {
    this.remove(record.platId);
    this.byId.set(record.platId, record);
    this.byAppId.set(record.appId, record);
    for (const code of record.manufacturerCodes) this.byCode.set(code, record);
  }

  remove(platId: string): void {
    const old = this.byId.get(platId);
    if (!old) return;
    this.byId.delete(platId);
    if (this.byAppId.get(old.appId) === old) this.byAppId.delete(old.appId);
    for (const code of old.manufacturerCodes) {
      if (this.byCode.get(code) === old) this.byCode.delete(code);
    }
  }

  replaceAll(records: Iterable<PlatformRecord>): void {
    this.byId.clear();
    this.byAppId.clear();
    this.byCode.clear();
    for (const r of records) this.put(r);
  }
}
