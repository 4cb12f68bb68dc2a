ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_plat_id_platforms_plat_id_fk";
--> statement-breakpoint
ALTER TABLE "status_reports" DROP CONSTRAINT "status_reports_vendor_plat_id_platforms_plat_id_fk";
--> statement-breakpoint
-- The two keys above were checked per row on ingest's hot path (every report, every delivery), and
-- ingest is their only writer: it now key-share locks the platforms of each batch once, which keeps
-- what the keys guaranteed against a concurrent deletion (packages/delivery/src/ingest-rows.ts).
-- What they did on delete is kept: deleting platforms deletes the reports they sent and the
-- deliveries they were to receive (and, through migration 0002's triggers, what hangs off those),
-- once per statement over every platform it deleted.
CREATE FUNCTION "yunlian_delete_rows_of_platforms"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "status_reports" r USING "deleted_platforms" p WHERE r."vendor_plat_id" = p."plat_id";
  DELETE FROM "deliveries" d USING "deleted_platforms" p WHERE d."plat_id" = p."plat_id";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "platforms_delete_reports_and_deliveries" AFTER DELETE ON "platforms"
  REFERENCING OLD TABLE AS "deleted_platforms" FOR EACH STATEMENT
  EXECUTE FUNCTION "yunlian_delete_rows_of_platforms"();
