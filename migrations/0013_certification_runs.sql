CREATE TABLE "certification_runs" (
	"run_id" text PRIMARY KEY NOT NULL,
	"plat_id" text NOT NULL,
	"role" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"requested_by" text NOT NULL,
	"request" jsonb NOT NULL,
	"report" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "certification_runs_status_check" CHECK ("certification_runs"."status" in ('queued', 'running', 'passed', 'failed', 'error')),
	CONSTRAINT "certification_runs_role_check" CHECK ("certification_runs"."role" in ('vendor', 'app'))
);
--> statement-breakpoint
ALTER TABLE "certification_runs" ADD CONSTRAINT "certification_runs_plat_id_platforms_plat_id_fk" FOREIGN KEY ("plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "certification_runs_one_active_idx" ON "certification_runs" USING btree ("plat_id") WHERE "certification_runs"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "certification_runs_plat_id_created_at_idx" ON "certification_runs" USING btree ("plat_id","created_at" DESC NULLS LAST);