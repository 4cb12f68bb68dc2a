import { index, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt, tstz } from "./columns.ts";

/**
 * `Idempotency-Key` requests (docs/design.md §7, docs/adr/0010): one row per platform and key.
 * The first request claims the row (`answer` null: in flight) before it calls any vendor; its
 * answer is stored when it has one, and every repeat within `expiresAt` gets that answer. The
 * primary key makes the claim atomic across hub instances.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    platId: text("plat_id").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of the interface and the normalised body: the same key with another body is 409. */
    requestHash: text("request_hash").notNull(),
    /** The first answer's body (RetCode, RetInfo, …); null while the first request is in flight. */
    answer: jsonb("answer").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    /** 24 h after the claim; an expired row is taken over by the next request and deleted by the sweep. */
    expiresAt: tstz("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ name: "idempotency_keys_plat_id_key_pk", columns: [t.platId, t.key] }),
    index("idempotency_keys_expires_at_idx").on(t.expiresAt),
  ],
);
