ALTER TABLE "missions" ADD COLUMN "silent_team_alert_minutes" integer DEFAULT 45 NOT NULL;--> statement-breakpoint
ALTER TABLE "missions" ADD COLUMN "polling_starts_at" text DEFAULT '07:00' NOT NULL;--> statement-breakpoint
ALTER TABLE "missions" ADD COLUMN "polling_ends_at" text DEFAULT '20:00' NOT NULL;--> statement-breakpoint
ALTER TABLE "missions" ADD COLUMN "critical_ack_minutes" integer DEFAULT 15 NOT NULL;--> statement-breakpoint
ALTER TABLE "findings" ADD COLUMN "acknowledged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "findings" ADD COLUMN "acknowledged_by" text;--> statement-breakpoint
ALTER TABLE "findings" ADD COLUMN "last_note" text;--> statement-breakpoint
ALTER TABLE "team_status" ADD COLUMN "help_acknowledged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "team_status" ADD COLUMN "silent_acknowledged_at" timestamp with time zone;