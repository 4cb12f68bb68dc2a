CREATE TABLE "access_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" varchar(20) NOT NULL,
	"plat_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target" text,
	"outcome" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "audit_log_outcome_check" CHECK ("audit_log"."outcome" in ('ok', 'denied', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "bindings" (
	"user_id" varchar(20) NOT NULL,
	"udevice_id" varchar(77) NOT NULL,
	"plat_id" text NOT NULL,
	"vendor_plat_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bindings_user_id_udevice_id_pk" PRIMARY KEY("user_id","udevice_id")
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" text PRIMARY KEY NOT NULL,
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
	CONSTRAINT "deliveries_status_check" CHECK ("deliveries"."status" in ('pending', 'delivered', 'failed', 'dead'))
);
--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"delivery_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"http_status" integer,
	"ret_code" text,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "device_grants" (
	"udevice_id" varchar(77) NOT NULL,
	"grantee_plat_id" text NOT NULL,
	"granted_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "device_grants_udevice_id_grantee_plat_id_pk" PRIMARY KEY("udevice_id","grantee_plat_id")
);
--> statement-breakpoint
CREATE TABLE "device_shadows" (
	"udevice_id" varchar(77) PRIMARY KEY NOT NULL,
	"vendor_plat_id" text NOT NULL,
	"attrs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"online" boolean,
	"last_alarm" jsonb,
	"last_alarm_at" timestamp with time zone,
	"last_report_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hub_users" (
	"user_id" varchar(20) PRIMARY KEY NOT NULL,
	"plat_id" text NOT NULL,
	"login_id" varchar(20) NOT NULL,
	"login_name" text,
	"email" text,
	"mobile" text,
	"profile" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hub_users_plat_id_login_id_key" UNIQUE("plat_id","login_id")
);
--> statement-breakpoint
CREATE TABLE "manufacturer_codes" (
	"code" char(6) PRIMARY KEY NOT NULL,
	"plat_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platforms" (
	"plat_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"adapter" text DEFAULT 'standard' NOT NULL,
	"adapter_config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"api_base_url" text,
	"verify_url" text,
	"data_gateway_url" text,
	"vendor_app_id" text,
	"app_id" text NOT NULL,
	"secret_ciphertext" text NOT NULL,
	"secret_key_id" text NOT NULL,
	"previous_secret_ciphertext" text,
	"previous_secret_key_id" text,
	"previous_secret_expires_at" timestamp with time zone,
	"security_mode" text DEFAULT 'hmac' NOT NULL,
	"cert_fingerprints" text[] DEFAULT '{}'::text[] NOT NULL,
	"data_gateway_disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "platforms_app_id_unique" UNIQUE("app_id"),
	CONSTRAINT "platforms_security_mode_check" CHECK ("platforms"."security_mode" in ('none', 'hmac', 'mtls'))
);
--> statement-breakpoint
CREATE TABLE "status_reports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"udevice_id" varchar(77) NOT NULL,
	"vendor_plat_id" text NOT NULL,
	"data_type" text NOT NULL,
	"device_status" jsonb NOT NULL,
	"reported_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vendor_sessions" (
	"user_id" varchar(20) NOT NULL,
	"vendor_plat_id" text NOT NULL,
	"vendor_user_id" text NOT NULL,
	"token_ciphertext" text NOT NULL,
	"token_key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vendor_sessions_user_id_vendor_plat_id_pk" PRIMARY KEY("user_id","vendor_plat_id")
);
--> statement-breakpoint
CREATE TABLE "verify_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" varchar(20) NOT NULL,
	"vendor_plat_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "access_tokens" ADD CONSTRAINT "access_tokens_user_id_hub_users_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."hub_users"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_tokens" ADD CONSTRAINT "access_tokens_plat_id_platforms_plat_id_fk" FOREIGN KEY ("plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bindings" ADD CONSTRAINT "bindings_user_id_hub_users_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."hub_users"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bindings" ADD CONSTRAINT "bindings_plat_id_platforms_plat_id_fk" FOREIGN KEY ("plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bindings" ADD CONSTRAINT "bindings_vendor_plat_id_platforms_plat_id_fk" FOREIGN KEY ("vendor_plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_report_id_status_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."status_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_plat_id_platforms_plat_id_fk" FOREIGN KEY ("plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_grants" ADD CONSTRAINT "device_grants_grantee_plat_id_platforms_plat_id_fk" FOREIGN KEY ("grantee_plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_shadows" ADD CONSTRAINT "device_shadows_vendor_plat_id_platforms_plat_id_fk" FOREIGN KEY ("vendor_plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hub_users" ADD CONSTRAINT "hub_users_plat_id_platforms_plat_id_fk" FOREIGN KEY ("plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "manufacturer_codes" ADD CONSTRAINT "manufacturer_codes_plat_id_platforms_plat_id_fk" FOREIGN KEY ("plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_reports" ADD CONSTRAINT "status_reports_vendor_plat_id_platforms_plat_id_fk" FOREIGN KEY ("vendor_plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vendor_sessions" ADD CONSTRAINT "vendor_sessions_user_id_hub_users_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."hub_users"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vendor_sessions" ADD CONSTRAINT "vendor_sessions_vendor_plat_id_platforms_plat_id_fk" FOREIGN KEY ("vendor_plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verify_tokens" ADD CONSTRAINT "verify_tokens_user_id_hub_users_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."hub_users"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verify_tokens" ADD CONSTRAINT "verify_tokens_vendor_plat_id_platforms_plat_id_fk" FOREIGN KEY ("vendor_plat_id") REFERENCES "public"."platforms"("plat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_tokens_user_id_idx" ON "access_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "access_tokens_plat_id_idx" ON "access_tokens" USING btree ("plat_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor");--> statement-breakpoint
CREATE INDEX "bindings_udevice_id_idx" ON "bindings" USING btree ("udevice_id");--> statement-breakpoint
CREATE INDEX "bindings_plat_id_idx" ON "bindings" USING btree ("plat_id");--> statement-breakpoint
CREATE INDEX "bindings_vendor_plat_id_idx" ON "bindings" USING btree ("vendor_plat_id");--> statement-breakpoint
CREATE INDEX "deliveries_status_next_attempt_at_idx" ON "deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "deliveries_plat_id_status_created_at_idx" ON "deliveries" USING btree ("plat_id","status","created_at");--> statement-breakpoint
CREATE INDEX "deliveries_udevice_id_idx" ON "deliveries" USING btree ("udevice_id");--> statement-breakpoint
CREATE INDEX "deliveries_report_id_idx" ON "deliveries" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "delivery_attempts_delivery_id_idx" ON "delivery_attempts" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "device_grants_grantee_plat_id_idx" ON "device_grants" USING btree ("grantee_plat_id");--> statement-breakpoint
CREATE INDEX "device_shadows_vendor_plat_id_idx" ON "device_shadows" USING btree ("vendor_plat_id");--> statement-breakpoint
CREATE INDEX "manufacturer_codes_plat_id_idx" ON "manufacturer_codes" USING btree ("plat_id");--> statement-breakpoint
CREATE INDEX "status_reports_udevice_id_received_at_idx" ON "status_reports" USING btree ("udevice_id","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "status_reports_vendor_plat_id_idx" ON "status_reports" USING btree ("vendor_plat_id");--> statement-breakpoint
CREATE INDEX "vendor_sessions_vendor_plat_id_idx" ON "vendor_sessions" USING btree ("vendor_plat_id");--> statement-breakpoint
CREATE INDEX "verify_tokens_user_id_idx" ON "verify_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "verify_tokens_vendor_plat_id_idx" ON "verify_tokens" USING btree ("vendor_plat_id");