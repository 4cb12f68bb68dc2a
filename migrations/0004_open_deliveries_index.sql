-- Fewer index entries per delivery (each index costs one on insert and one on the settling
-- update): open rows get a partial index by due time instead of (status, next_attempt_at), which
-- a delivered row leaves without adding an entry; the device filter of the admin list goes
-- through status_reports' device index and deliveries.report_id instead of an index of its own.
DROP INDEX "deliveries_status_next_attempt_at_idx";--> statement-breakpoint
DROP INDEX "deliveries_udevice_id_idx";--> statement-breakpoint
CREATE INDEX "deliveries_open_next_attempt_at_idx" ON "deliveries" USING btree ("next_attempt_at") WHERE "deliveries"."status" in ('pending', 'failed');