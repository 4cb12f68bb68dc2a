ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_report_id_status_reports_id_fk";
--> statement-breakpoint
ALTER TABLE "delivery_attempts" DROP CONSTRAINT "delivery_attempts_delivery_id_deliveries_id_fk";
--> statement-breakpoint
-- The two keys above held by construction (a delivery is written by the statement that writes its
-- report; an attempt by the statement that settles its delivery), and their per-row checks were a
-- measurable share of Postgres time per delivery. What they did on delete is kept: deleting reports
-- (for instance through their vendor platform's cascade) deletes their deliveries, and deleting
-- deliveries deletes their attempts — once per statement, over all the rows it deleted.
CREATE FUNCTION "yunlian_delete_deliveries_of_reports"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "deliveries" d USING "deleted_reports" r WHERE d."report_id" = r."id";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "status_reports_delete_deliveries" AFTER DELETE ON "status_reports"
  REFERENCING OLD TABLE AS "deleted_reports" FOR EACH STATEMENT
  EXECUTE FUNCTION "yunlian_delete_deliveries_of_reports"();
--> statement-breakpoint
CREATE FUNCTION "yunlian_delete_attempts_of_deliveries"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "delivery_attempts" a USING "deleted_deliveries" d WHERE a."delivery_id" = d."id";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "deliveries_delete_attempts" AFTER DELETE ON "deliveries"
  REFERENCING OLD TABLE AS "deleted_deliveries" FOR EACH STATEMENT
  EXECUTE FUNCTION "yunlian_delete_attempts_of_deliveries"();
