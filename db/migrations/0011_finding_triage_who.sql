ALTER TABLE "findings" ADD COLUMN "status_changed_by" text;--> statement-breakpoint
ALTER TABLE "findings" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "findings" ADD COLUMN "resolved_by" text;--> statement-breakpoint
ALTER TABLE "findings" ADD COLUMN "assigned_to" text;--> statement-breakpoint
ALTER TABLE "findings" ADD COLUMN "assigned_at" timestamp with time zone;