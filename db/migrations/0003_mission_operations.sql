CREATE TABLE "conflicts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"mission_id" uuid NOT NULL,
	"station_id" uuid NOT NULL,
	"phase" text NOT NULL,
	"kind" text NOT NULL,
	"question_id" text NOT NULL,
	"reports" jsonb NOT NULL,
	"status" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolution_note" text,
	"updated_seq" bigint NOT NULL,
	CONSTRAINT "conflicts_missionId_stationId_phase_questionId_unique" UNIQUE("mission_id","station_id","phase","question_id")
);
--> statement-breakpoint
ALTER TABLE "missions" ADD COLUMN "drill" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "missions" ADD COLUMN "record_starts_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "team_assignments" ADD COLUMN "phases" jsonb DEFAULT '["opening","voting","closing"]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "conflicts" ADD CONSTRAINT "conflicts_mission_id_missions_id_fk" FOREIGN KEY ("mission_id") REFERENCES "public"."missions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conflicts" ADD CONSTRAINT "conflicts_station_id_stations_id_fk" FOREIGN KEY ("station_id") REFERENCES "public"."stations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conflicts_mission_id_status_index" ON "conflicts" USING btree ("mission_id","status");