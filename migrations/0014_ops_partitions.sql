-- Op tracking's tables go by partition too (docs/adr/0009): ops and op_devices are written once per
-- devices/op (about 0.8 kB an op with its device; at 1,000 ops/s some 70 GB a day) and were trimmed
-- by a DELETE every ten minutes, which leaves that much in dead rows for vacuum to find. Now both are
-- range-partitioned by created_at (an op's devices carry the op's created_at: one insert writes
-- both), so the retention job drops a day of each in one statement once past HUB_RETENTION_OPS.
-- As in migration 0008: <table>_default catches a row whose interval has no partition yet, and the
-- rows already stored go into <table>_legacy, up to the day after the newest one (only if there are
-- rows), dropped as a whole once past retention. Every row is moved, none is lost
-- (packages/db/test/ops-partitions.migration.test.ts).
-- The primary keys gain created_at (a partitioned table's key must hold its partition key); OpIDs
-- stay unique by construction (time and 64 random bits). The foreign key from op_devices to ops
-- goes: its only use was the cascade of the DELETE, and the two tables' partitions are dropped by
-- the same clock.
ALTER TABLE "op_devices" DROP CONSTRAINT "op_devices_op_id_fk";--> statement-breakpoint
ALTER TABLE "ops" RENAME TO "ops_unpartitioned";--> statement-breakpoint
ALTER TABLE "op_devices" RENAME TO "op_devices_unpartitioned";--> statement-breakpoint
ALTER TABLE "ops_unpartitioned" RENAME CONSTRAINT "ops_status_check" TO "ops_unpartitioned_status_check";--> statement-breakpoint
ALTER TABLE "op_devices_unpartitioned" RENAME CONSTRAINT "op_devices_status_check" TO "op_devices_unpartitioned_status_check";--> statement-breakpoint
DROP INDEX "op_devices_pending_udevice_id_idx";--> statement-breakpoint
DROP INDEX "op_devices_pending_deadline_idx";--> statement-breakpoint
DROP INDEX "ops_created_at_idx";--> statement-breakpoint
CREATE TABLE "ops" (
	"op_id" text NOT NULL,
	"plat_id" text NOT NULL,
	"user_id" varchar(20) NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "ops_op_id_created_at_pk" PRIMARY KEY("op_id","created_at"),
	CONSTRAINT "ops_status_check" CHECK ("ops"."status" in ('pending', 'confirmed', 'timeout', 'failed'))
) PARTITION BY RANGE ("created_at");--> statement-breakpoint
CREATE TABLE "op_devices" (
	"op_id" text NOT NULL,
	"udevice_id" varchar(77) NOT NULL,
	"vendor_plat_id" text NOT NULL,
	"ord" integer NOT NULL,
	"attrs" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "op_devices_op_id_udevice_id_created_at_pk" PRIMARY KEY("op_id","udevice_id","created_at"),
	CONSTRAINT "op_devices_status_check" CHECK ("op_devices"."status" in ('pending', 'confirmed', 'timeout', 'failed'))
) PARTITION BY RANGE ("created_at");--> statement-breakpoint
CREATE INDEX "op_devices_pending_udevice_id_idx" ON "op_devices" USING btree ("udevice_id") WHERE "op_devices"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "op_devices_pending_deadline_idx" ON "op_devices" USING btree ("deadline") WHERE "op_devices"."status" = 'pending';--> statement-breakpoint
-- Each op is inserted, updated once or twice within HUB_OP_CONFIRM_TIMEOUT, then only read until
-- its partition is dropped: vacuumed after a fixed share of updates, analysed while the day fills.
CREATE TABLE "ops_default" PARTITION OF "ops" DEFAULT
  WITH (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.02,
        autovacuum_analyze_scale_factor = 0.02);--> statement-breakpoint
CREATE TABLE "op_devices_default" PARTITION OF "op_devices" DEFAULT
  WITH (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.02,
        autovacuum_analyze_scale_factor = 0.02);--> statement-breakpoint
DO $$
DECLARE
  tbl text;
  upper_bound timestamptz;
BEGIN
  FOREACH tbl IN ARRAY ARRAY['ops', 'op_devices']
  LOOP
    EXECUTE format('SELECT date_trunc(''day'', max(created_at), ''UTC'') + interval ''1 day'' FROM %I',
                   tbl || '_unpartitioned') INTO upper_bound;
    IF upper_bound IS NOT NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (MINVALUE) TO (%L) WITH (%s)',
                     tbl || '_legacy', tbl, upper_bound,
                     (SELECT array_to_string(reloptions, ', ') FROM pg_class WHERE oid = (tbl || '_default')::regclass));
    END IF;
  END LOOP;
END
$$;--> statement-breakpoint
INSERT INTO "ops" ("op_id", "plat_id", "user_id", "status", "created_at", "settled_at")
  SELECT "op_id", "plat_id", "user_id", "status", "created_at", "settled_at" FROM "ops_unpartitioned";--> statement-breakpoint
INSERT INTO "op_devices" ("op_id", "udevice_id", "vendor_plat_id", "ord", "attrs", "status", "created_at", "deadline", "settled_at")
  SELECT "op_id", "udevice_id", "vendor_plat_id", "ord", "attrs", "status", "created_at", "deadline", "settled_at"
  FROM "op_devices_unpartitioned";--> statement-breakpoint
DROP TABLE "op_devices_unpartitioned";--> statement-breakpoint
DROP TABLE "ops_unpartitioned";
