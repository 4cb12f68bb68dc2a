ALTER TABLE "console_sessions" ADD COLUMN "plat_id" text;--> statement-breakpoint
ALTER TABLE "platforms" ADD COLUMN "sandbox" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "platforms" ADD COLUMN "promoted_at" timestamp with time zone;