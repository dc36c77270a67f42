ALTER TABLE "companies" ADD COLUMN "sending_paused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "sending_paused_reason" text;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "last_reminder_day" integer;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "phones" ADD COLUMN "delivery_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "phones" ADD COLUMN "sms_blocked_reason" text;