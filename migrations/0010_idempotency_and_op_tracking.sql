CREATE TABLE "idempotency_keys" (
	"plat_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"answer" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_plat_id_key_pk" PRIMARY KEY("plat_id","key")
);
--> statement-breakpoint
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
	CONSTRAINT "op_devices_op_id_udevice_id_pk" PRIMARY KEY("op_id","udevice_id"),
	CONSTRAINT "op_devices_status_check" CHECK ("op_devices"."status" in ('pending', 'confirmed', 'timeout', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "ops" (
	"op_id" text PRIMARY KEY NOT NULL,
	"plat_id" text NOT NULL,
	"user_id" varchar(20) NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "ops_status_check" CHECK ("ops"."status" in ('pending', 'confirmed', 'timeout', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "platforms" ADD COLUMN "events" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "op_devices" ADD CONSTRAINT "op_devices_op_id_fk" FOREIGN KEY ("op_id") REFERENCES "public"."ops"("op_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "op_devices_pending_udevice_id_idx" ON "op_devices" USING btree ("udevice_id") WHERE "op_devices"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "op_devices_pending_deadline_idx" ON "op_devices" USING btree ("deadline") WHERE "op_devices"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "ops_created_at_idx" ON "ops" USING btree ("created_at");