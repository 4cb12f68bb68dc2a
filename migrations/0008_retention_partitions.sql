-- Retention by partition (docs/adr/0009-retention-by-partition.md): status_reports, deliveries,
-- delivery_attempts and audit_log become range-partitioned by a time column, so that history past
-- its retention goes by dropping one partition (one statement, no dead rows, no vacuum) instead of
-- DELETE. Day partitions are created ahead of time by the retention job (packages/db/src/retention);
-- this migration creates what is there from the start:
--   <table>_default  catches a row whose day has no partition (the job fell behind): an insert never fails;
--   <table>_legacy   the rows already stored, FROM (MINVALUE) TO the day after the newest one, dropped
--                    as one partition once that whole range is past retention (only if there were rows);
--   deliveries_open  every open delivery (pending, failed): deliveries are partitioned by when they
--                    settled (settled_at), and an open row's settled_at is 'infinity', so no day
--                    partition ever holds an open delivery and dropping one never takes one.
-- Every row is moved, none is lost (apps/hub/test/retention.migration.test.ts counts them).
-- A partitioned table's primary key must contain its partition key: (id, <time column>). The ids
-- stay unique by construction (sequences; random delivery ids), as before. No foreign key points
-- at these tables (migrations 0002, 0003); their statement-level delete triggers are recreated.
ALTER TABLE "status_reports" RENAME TO "status_reports_unpartitioned";--> statement-breakpoint
ALTER TABLE "deliveries" RENAME TO "deliveries_unpartitioned";--> statement-breakpoint
ALTER TABLE "delivery_attempts" RENAME TO "delivery_attempts_unpartitioned";--> statement-breakpoint
ALTER TABLE "audit_log" RENAME TO "audit_log_unpartitioned";--> statement-breakpoint
-- The sequences live on: ingest draws report ids from status_reports_id_seq by name.
ALTER SEQUENCE "status_reports_id_seq" OWNED BY NONE;--> statement-breakpoint
ALTER SEQUENCE "delivery_attempts_id_seq" OWNED BY NONE;--> statement-breakpoint
ALTER SEQUENCE "audit_log_id_seq" OWNED BY NONE;--> statement-breakpoint
DROP INDEX "status_reports_udevice_id_received_at_idx";--> statement-breakpoint
DROP INDEX "status_reports_vendor_plat_id_idx";--> statement-breakpoint
DROP INDEX "deliveries_open_next_attempt_at_idx";--> statement-breakpoint
DROP INDEX "deliveries_plat_id_status_created_at_idx";--> statement-breakpoint
DROP INDEX "deliveries_report_id_idx";--> statement-breakpoint
DROP INDEX "delivery_attempts_delivery_id_idx";--> statement-breakpoint
DROP INDEX "audit_log_at_idx";--> statement-breakpoint
DROP INDEX "audit_log_actor_idx";--> statement-breakpoint
CREATE TABLE "status_reports" (
	"id" bigint DEFAULT nextval('status_reports_id_seq'::regclass) NOT NULL,
	"udevice_id" varchar(77) NOT NULL,
	"vendor_plat_id" text NOT NULL,
	"data_type" text NOT NULL,
	"device_status" jsonb NOT NULL,
	"reported_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"request_id" text,
	CONSTRAINT "status_reports_id_received_at_pk" PRIMARY KEY("id","received_at")
) PARTITION BY RANGE ("received_at");--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" text NOT NULL,
	"report_id" bigint NOT NULL,
	"plat_id" text NOT NULL,
	"udevice_id" varchar(77) NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"enqueued_at" timestamp with time zone,
	"last_error" text,
	"last_http_status" integer,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone DEFAULT 'infinity' NOT NULL,
	CONSTRAINT "deliveries_id_settled_at_pk" PRIMARY KEY("id","settled_at"),
	CONSTRAINT "deliveries_status_check" CHECK ("deliveries"."status" in ('pending', 'delivered', 'failed', 'dead')),
	CONSTRAINT "deliveries_settled_at_check" CHECK (("deliveries"."settled_at" = 'infinity') = ("deliveries"."status" in ('pending', 'failed')))
) PARTITION BY RANGE ("settled_at");--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"id" bigint DEFAULT nextval('delivery_attempts_id_seq'::regclass) NOT NULL,
	"delivery_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"http_status" integer,
	"ret_code" text,
	"error" text,
	CONSTRAINT "delivery_attempts_id_started_at_pk" PRIMARY KEY("id","started_at")
) PARTITION BY RANGE ("started_at");--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint DEFAULT nextval('audit_log_id_seq'::regclass) NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target" text,
	"outcome" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "audit_log_id_at_pk" PRIMARY KEY("id","at"),
	CONSTRAINT "audit_log_outcome_check" CHECK ("audit_log"."outcome" in ('ok', 'denied', 'failed'))
) PARTITION BY RANGE ("at");--> statement-breakpoint
ALTER SEQUENCE "status_reports_id_seq" OWNED BY "status_reports"."id";--> statement-breakpoint
ALTER SEQUENCE "delivery_attempts_id_seq" OWNED BY "delivery_attempts"."id";--> statement-breakpoint
ALTER SEQUENCE "audit_log_id_seq" OWNED BY "audit_log"."id";--> statement-breakpoint
CREATE INDEX "status_reports_udevice_id_received_at_idx" ON "status_reports" USING btree ("udevice_id","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "status_reports_vendor_plat_id_idx" ON "status_reports" USING btree ("vendor_plat_id");--> statement-breakpoint
CREATE INDEX "deliveries_open_next_attempt_at_idx" ON "deliveries" USING btree ("next_attempt_at") WHERE "deliveries"."status" in ('pending', 'failed');--> statement-breakpoint
CREATE INDEX "deliveries_plat_id_status_created_at_idx" ON "deliveries" USING btree ("plat_id","status","created_at");--> statement-breakpoint
CREATE INDEX "deliveries_report_id_idx" ON "deliveries" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "delivery_attempts_delivery_id_idx" ON "delivery_attempts" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor");--> statement-breakpoint
-- Autovacuum for each partition's churn (storage parameters belong to partitions: PostgreSQL takes
-- none on a partitioned table). The retention job gives each day partition it creates the
-- parameters of its table's DEFAULT partition, so this migration is where they are set.
-- deliveries_open: every delivery is inserted, updated once or more, and moved out when it
-- settles, so its dead rows come at the delivery rate while its live rows are only the backlog:
-- vacuum after a fixed number of dead rows, not a fraction of a table whose size swings.
CREATE TABLE "deliveries_open" PARTITION OF "deliveries" FOR VALUES FROM ('infinity') TO (MAXVALUE)
  WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000,
        autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 10000,
        autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000,
        autovacuum_vacuum_cost_delay = 0);--> statement-breakpoint
-- Day partitions are appended to and then only read (a replay moves a dead delivery back to
-- deliveries_open): vacuumed for the visibility map and freezing early, in small steps, rather
-- than in one anti-wraparound pass over a whole day much later; analysed while the day fills.
CREATE TABLE "status_reports_default" PARTITION OF "status_reports" DEFAULT
  WITH (autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02,
        autovacuum_freeze_min_age = 1000000);--> statement-breakpoint
CREATE TABLE "deliveries_default" PARTITION OF "deliveries" DEFAULT
  WITH (autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02,
        autovacuum_freeze_min_age = 1000000);--> statement-breakpoint
CREATE TABLE "delivery_attempts_default" PARTITION OF "delivery_attempts" DEFAULT
  WITH (autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02,
        autovacuum_freeze_min_age = 1000000);--> statement-breakpoint
CREATE TABLE "audit_log_default" PARTITION OF "audit_log" DEFAULT
  WITH (autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.05);--> statement-breakpoint
-- The rows already stored: one legacy partition per table, up to the day after the newest row.
DO $$
DECLARE
  spec record;
  upper_bound timestamptz;
BEGIN
  FOR spec IN SELECT * FROM (VALUES
    ('status_reports', 'received_at', 'received_at'),
    ('deliveries', 'settled_at', 'CASE WHEN status IN (''delivered'', ''dead'') THEN coalesce(delivered_at, updated_at) END'),
    ('delivery_attempts', 'started_at', 'started_at'),
    ('audit_log', 'at', 'at')) AS s(tbl, col, expr)
  LOOP
    EXECUTE format('SELECT date_trunc(''day'', max(%s), ''UTC'') + interval ''1 day'' FROM %I',
                   spec.expr, spec.tbl || '_unpartitioned') INTO upper_bound;
    IF upper_bound IS NOT NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (MINVALUE) TO (%L) WITH (%s)',
                     spec.tbl || '_legacy', spec.tbl, upper_bound,
                     (SELECT array_to_string(reloptions, ', ') FROM pg_class WHERE oid = (spec.tbl || '_default')::regclass));
    END IF;
  END LOOP;
END
$$;--> statement-breakpoint
INSERT INTO "status_reports" ("id", "udevice_id", "vendor_plat_id", "data_type", "device_status", "reported_at", "received_at", "request_id")
  SELECT "id", "udevice_id", "vendor_plat_id", "data_type", "device_status", "reported_at", "received_at", "request_id"
  FROM "status_reports_unpartitioned";--> statement-breakpoint
-- created_at is the report's received_at (ingest writes both from one value), which is how the
-- claim and the relay find a delivery's report in one partition; rows written otherwise are aligned.
INSERT INTO "deliveries" ("id", "report_id", "plat_id", "udevice_id", "status", "attempts", "next_attempt_at", "enqueued_at",
    "last_error", "last_http_status", "delivered_at", "created_at", "updated_at", "settled_at")
  SELECT d."id", d."report_id", d."plat_id", d."udevice_id", d."status", d."attempts", d."next_attempt_at", d."enqueued_at",
    d."last_error", d."last_http_status", d."delivered_at", coalesce(r."received_at", d."created_at"), d."updated_at",
    CASE WHEN d."status" IN ('delivered', 'dead') THEN coalesce(d."delivered_at", d."updated_at") ELSE 'infinity' END
  FROM "deliveries_unpartitioned" d LEFT JOIN "status_reports_unpartitioned" r ON r."id" = d."report_id";--> statement-breakpoint
INSERT INTO "delivery_attempts" ("id", "delivery_id", "attempt", "started_at", "duration_ms", "http_status", "ret_code", "error")
  SELECT "id", "delivery_id", "attempt", "started_at", "duration_ms", "http_status", "ret_code", "error"
  FROM "delivery_attempts_unpartitioned";--> statement-breakpoint
INSERT INTO "audit_log" ("id", "at", "actor", "action", "target", "outcome", "detail")
  SELECT "id", "at", "actor", "action", "target", "outcome", "detail" FROM "audit_log_unpartitioned";--> statement-breakpoint
DROP TABLE "status_reports_unpartitioned";--> statement-breakpoint
DROP TABLE "deliveries_unpartitioned";--> statement-breakpoint
DROP TABLE "delivery_attempts_unpartitioned";--> statement-breakpoint
DROP TABLE "audit_log_unpartitioned";--> statement-breakpoint
-- Migration 0002's cascades, on the partitioned tables (statement-level, with transition tables,
-- as PostgreSQL allows on a partitioned table). Dropping a partition fires no trigger: retention
-- takes reports, deliveries and attempts each by its own clock, and never an open delivery.
CREATE TRIGGER "status_reports_delete_deliveries" AFTER DELETE ON "status_reports"
  REFERENCING OLD TABLE AS "deleted_reports" FOR EACH STATEMENT
  EXECUTE FUNCTION "yunlian_delete_deliveries_of_reports"();--> statement-breakpoint
CREATE TRIGGER "deliveries_delete_attempts" AFTER DELETE ON "deliveries"
  REFERENCING OLD TABLE AS "deleted_deliveries" FOR EACH STATEMENT
  EXECUTE FUNCTION "yunlian_delete_attempts_of_deliveries"();
