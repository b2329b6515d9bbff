CREATE TABLE "team_inbox" (
	"event_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"mission_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"from_name" text NOT NULL,
	"text" text,
	"station_id" uuid,
	"finding_id" uuid,
	"status" text,
	"reply_to" uuid,
	"read_at" timestamp with time zone,
	CONSTRAINT "team_inbox_event_id_team_id_pk" PRIMARY KEY("event_id","team_id")
);
--> statement-breakpoint
ALTER TABLE "findings" ALTER COLUMN "station_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "findings" ADD COLUMN "lat" double precision;--> statement-breakpoint
ALTER TABLE "findings" ADD COLUMN "lng" double precision;--> statement-breakpoint
ALTER TABLE "team_inbox" ADD CONSTRAINT "team_inbox_mission_id_missions_id_fk" FOREIGN KEY ("mission_id") REFERENCES "public"."missions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "team_inbox_mission_id_team_id_seq_index" ON "team_inbox" USING btree ("mission_id","team_id","seq");--> statement-breakpoint
CREATE INDEX "team_inbox_mission_id_kind_seq_index" ON "team_inbox" USING btree ("mission_id","kind","seq");