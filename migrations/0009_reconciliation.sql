-- Reconciliation (issue 16, docs/adr/0011): per-device and per-account poll claims, the per-vendor
-- call budget and drift counts, bindings the vendor no longer lists, and status_reports.source
-- ("reconcile" on a state the hub found by polling; it rides in the delivered body as "Source").
CREATE TABLE "binding_drift" (
	"user_id" varchar(20) NOT NULL,
	"udevice_id" varchar(77) NOT NULL,
	"plat_id" text NOT NULL,
	"vendor_plat_id" text NOT NULL,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "binding_drift_user_id_udevice_id_pk" PRIMARY KEY("user_id","udevice_id")
);
--> statement-breakpoint
CREATE TABLE "reconcile_accounts" (
	"user_id" varchar(20) NOT NULL,
	"vendor_plat_id" text NOT NULL,
	"polled_at" timestamp with time zone NOT NULL,
	CONSTRAINT "reconcile_accounts_user_id_vendor_plat_id_pk" PRIMARY KEY("user_id","vendor_plat_id")
);
--> statement-breakpoint
CREATE TABLE "reconcile_devices" (
	"udevice_id" varchar(77) PRIMARY KEY NOT NULL,
	"vendor_plat_id" text NOT NULL,
	"polled_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconcile_vendors" (
	"vendor_plat_id" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_calls" integer DEFAULT 0 NOT NULL,
	"polls_total" bigint DEFAULT 0 NOT NULL,
	"drift_total" bigint DEFAULT 0 NOT NULL,
	"last_drift_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "status_reports" ADD COLUMN "source" text;--> statement-breakpoint
ALTER TABLE "binding_drift" ADD CONSTRAINT "binding_drift_user_id_hub_users_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."hub_users"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "binding_drift" ADD CONSTRAINT "binding_drift_plat_id_platforms_plat_id_fk" FOREIGN KEY ("plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "binding_drift" ADD CONSTRAINT "binding_drift_vendor_plat_id_platforms_plat_id_fk" FOREIGN KEY ("vendor_plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconcile_accounts" ADD CONSTRAINT "reconcile_accounts_user_id_hub_users_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."hub_users"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconcile_accounts" ADD CONSTRAINT "reconcile_accounts_vendor_plat_id_platforms_plat_id_fk" FOREIGN KEY ("vendor_plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconcile_devices" ADD CONSTRAINT "reconcile_devices_vendor_plat_id_platforms_plat_id_fk" FOREIGN KEY ("vendor_plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconcile_vendors" ADD CONSTRAINT "reconcile_vendors_vendor_plat_id_platforms_plat_id_fk" FOREIGN KEY ("vendor_plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "binding_drift_vendor_plat_id_idx" ON "binding_drift" USING btree ("vendor_plat_id");--> statement-breakpoint
CREATE INDEX "reconcile_devices_vendor_plat_id_idx" ON "reconcile_devices" USING btree ("vendor_plat_id");