CREATE TABLE "device_models" (
	"device_type" text NOT NULL,
	"version" integer NOT NULL,
	"owner_plat_id" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"attributes" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "device_models_owner_plat_id_device_type_version_pk" PRIMARY KEY("owner_plat_id","device_type","version")
);
--> statement-breakpoint
ALTER TABLE "status_reports" ADD COLUMN "request_id" text;--> statement-breakpoint
ALTER TABLE "device_models" ADD CONSTRAINT "device_models_owner_plat_id_platforms_plat_id_fk" FOREIGN KEY ("owner_plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;