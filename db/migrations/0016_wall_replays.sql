CREATE TABLE "wall_replays" (
	"mission_id" uuid PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"started_by" uuid,
	"started_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "wall_replays" ADD CONSTRAINT "wall_replays_mission_id_missions_id_fk" FOREIGN KEY ("mission_id") REFERENCES "public"."missions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wall_replays" ADD CONSTRAINT "wall_replays_started_by_coordinators_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."coordinators"("id") ON DELETE set null ON UPDATE no action;