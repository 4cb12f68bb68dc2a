import { createHash } from "node:crypto";
import { manufacturerCodeOf } from "@yunlian/protocol";
import { ingestSegmentOf } from "./ingest-url.ts";
import type { PlatformRecord } from "./platform-record.ts";

/** An ingestUrl segment as the index holds it: hashed, so a lookup leaks nothing by its timing. */
const digestOf = (segment: string) => createHash("sha256").update(segment).digest("base64");

/** A vendor named by an ingestUrl segment; `until` for the one from before a rotation. */
interface IngestEntry {
  record: PlatformRecord;
  until?: Date;
}

/**
 * The routing table: platforms by PlatID, by hub-issued AppID and by manufacturer code.
 * Held in memory so that routing a request costs a couple of Map lookups whatever the
 * number of registered vendors; kept fresh by `PlatformSync` (LISTEN/NOTIFY).
 */
export class PlatformRegistry {
  private readonly byId = new Map<string, PlatformRecord>();
  private readonly byAppId = new Map<string, PlatformRecord>();
  private readonly byCode = new Map<string, PlatformRecord>();
  private readonly byIngest = new Map<string, IngestEntry>();

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

  /**
   * The vendor a request to an ingestUrl names (docs/design.md §7): one SHA-256 and one Map
   * lookup. The segment from before a rotation names it until that rotation's grace ends.
   */
  vendorByIngestSegment(segment: string, now: Date): PlatformRecord | undefined {
    const entry = this.byIngest.get(digestOf(segment));
    if (!entry || (entry.until && entry.until <= now)) return undefined;
    return entry.record;
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
    for (const [digest, entry] of ingestEntries(record)) this.byIngest.set(digest, entry);
  }

  remove(platId: string): void {
    const old = this.byId.get(platId);
    if (!old) return;
    this.byId.delete(platId);
    if (this.byAppId.get(old.appId) === old) this.byAppId.delete(old.appId);
    for (const code of old.manufacturerCodes) {
      if (this.byCode.get(code) === old) this.byCode.delete(code);
    }
    for (const [digest] of ingestEntries(old)) {
      if (this.byIngest.get(digest)?.record === old) this.byIngest.delete(digest);
    }
  }

  replaceAll(records: Iterable<PlatformRecord>): void {
    this.byId.clear();
    this.byAppId.clear();
    this.byCode.clear();
    this.byIngest.clear();
    for (const r of records) this.put(r);
  }
}

/** A vendor's ingestUrl segments (current, and previous while in grace); none for an app-only platform. */
function ingestEntries(record: PlatformRecord): [string, IngestEntry][] {
  if (record.manufacturerCodes.length === 0) return [];
  const entries: [string, IngestEntry][] = [
    [digestOf(ingestSegmentOf(record.appSecret.current)), { record }],
  ];
  const previous = record.appSecret.previous;
  if (previous) {
    entries.push([digestOf(ingestSegmentOf(previous.secret)), { record, until: previous.until }]);
  }
  return entries;
}
