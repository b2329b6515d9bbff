ALTER TABLE "missions" ADD COLUMN "drill_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "missions" ADD COLUMN "drill_clock" jsonb;