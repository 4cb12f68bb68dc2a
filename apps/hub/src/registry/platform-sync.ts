import type { Database, DatabaseHandle } from "@yunlian/db";
import type { Keyring } from "@yunlian/secrets";
import type { Logger } from "pino";
import { loadAllPlatforms, loadPlatform } from "../services/platforms/platform-store.ts";
import type { PlatformRegistry } from "./platform-registry.ts";

/** Postgres channel on which any hub instance announces "platform X changed". */
const PLATFORMS_CHANNEL = "yunlian_platforms";

/**
 * Keeps every hub instance's in-memory registry in step with the database: a change made on
 * one instance is NOTIFYed with the platId, and each instance reloads just that platform.
 * Postgres delivers a NOTIFY only after the writing transaction commits, so a reload always
 * sees the change.
 */
export class PlatformSync {
  private unlisten?: () => Promise<void>;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly db: Database,
    private readonly keyring: Keyring,
    private readonly registry: PlatformRegistry,
    private readonly log: Logger,
  ) {}

  /** A platform whose secrets do not decrypt is left out, with the reason in the log. */
  private readonly unreadable = (platId: string, err: unknown) => {
    this.log.error(
      { platId, reason: err instanceof Error ? err.message : String(err) },
      "platform left out of the registry: its stored secrets do not decrypt (a HUB_SECRET_KEY missing from HUB_SECRET_KEY_PREVIOUS, or a value altered or copied from another row)",
    );
  };

  async start(): Promise<void> {
    this.unlisten = await this.database.listen(
      PLATFORMS_CHANNEL,
      (platId) => {
        this.refresh(platId).catch((err: unknown) =>
          this.log.error({ err, platId }, "reloading a changed platform failed"),
        );
      },
      // The connection was lost and changes may have been missed: reload everything.
      () => {
        this.reloadAll().catch((err: unknown) =>
          this.log.error({ err }, "reloading the platform registry failed"),
        );
      },
    );
    // Load after listening, so a change committed in between is not missed.
    this.registry.replaceAll(await loadAllPlatforms(this.db, this.keyring, this.unreadable));
  }

  async reloadAll(): Promise<void> {
    this.registry.replaceAll(await loadAllPlatforms(this.db, this.keyring, this.unreadable));
    this.log.info(
      { platforms: this.registry.size },
      "platform registry reloaded after a lost LISTEN connection",
    );
  }

  async refresh(platId: string): Promise<void> {
    const record = await loadPlatform(this.db, this.keyring, platId, this.unreadable);
    if (record) this.registry.put(record);
    else this.registry.remove(platId);
  }

  /** Tell every instance (this one included) that a platform changed. */
  async announce(platId: string): Promise<void> {
    await this.database.notify(PLATFORMS_CHANNEL, platId);
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
  }
}
