CREATE TABLE "console_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"operator" text NOT NULL,
	"scope" text NOT NULL,
	"key_id" text,
	"credential" text,
	"csrf" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operator_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"scope" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "operator_keys_scope_check" CHECK ("operator_keys"."scope" in ('read', 'admin'))
);
--> statement-breakpoint
CREATE INDEX "console_sessions_expires_at_idx" ON "console_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "operator_keys_token_hash_idx" ON "operator_keys" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "operator_keys_active_name_idx" ON "operator_keys" USING btree ("name") WHERE "operator_keys"."revoked_at" is null;