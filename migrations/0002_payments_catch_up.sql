CREATE TABLE "provider_cursors" (
	"provider" text NOT NULL,
	"account_id" text DEFAULT 'platform' NOT NULL,
	"cursor" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "provider_cursors_provider_account_id_pk" PRIMARY KEY("provider","account_id")
);
--> statement-breakpoint
ALTER TABLE "pay_links" ADD COLUMN "amount_minor" bigint;