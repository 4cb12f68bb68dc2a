ALTER TABLE "platforms" ADD COLUMN "webhook_secret_ciphertext" text;--> statement-breakpoint
ALTER TABLE "platforms" ADD COLUMN "webhook_secret_key_id" text;--> statement-breakpoint
ALTER TABLE "platforms" ADD COLUMN "previous_webhook_secret_ciphertext" text;--> statement-breakpoint
ALTER TABLE "platforms" ADD COLUMN "previous_webhook_secret_key_id" text;--> statement-breakpoint
ALTER TABLE "platforms" ADD COLUMN "previous_webhook_secret_expires_at" timestamp with time zone;
