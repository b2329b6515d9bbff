CREATE TABLE "ballots" (
	"mission_id" uuid PRIMARY KEY NOT NULL,
	"ballot" jsonb NOT NULL,
	"updated_seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "results_protocols" (
	"mission_id" uuid NOT NULL,
	"station_id" uuid NOT NULL,
	"contest_id" text NOT NULL,
	"team_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"figures" jsonb NOT NULL,
	"votes" jsonb NOT NULL,
	"photo_id" text,
	"flags" jsonb NOT NULL,
	"supersedes" integer DEFAULT 0 NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"updated_seq" bigint NOT NULL,
	CONSTRAINT "results_protocols_station_id_contest_id_team_id_pk" PRIMARY KEY("station_id","contest_id","team_id")
);
--> statement-breakpoint
CREATE TABLE "turnout_reports" (
	"mission_id" uuid NOT NULL,
	"station_id" uuid NOT NULL,
	"at" text NOT NULL,
	"voted" integer NOT NULL,
	"team_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"flags" jsonb NOT NULL,
	"updated_seq" bigint NOT NULL,
	CONSTRAINT "turnout_reports_station_id_at_pk" PRIMARY KEY("station_id","at")
);
--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_mission_id_missions_id_fk" FOREIGN KEY ("mission_id") REFERENCES "public"."missions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "results_protocols" ADD CONSTRAINT "results_protocols_mission_id_missions_id_fk" FOREIGN KEY ("mission_id") REFERENCES "public"."missions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "results_protocols" ADD CONSTRAINT "results_protocols_station_id_stations_id_fk" FOREIGN KEY ("station_id") REFERENCES "public"."stations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "turnout_reports" ADD CONSTRAINT "turnout_reports_mission_id_missions_id_fk" FOREIGN KEY ("mission_id") REFERENCES "public"."missions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "turnout_reports" ADD CONSTRAINT "turnout_reports_station_id_stations_id_fk" FOREIGN KEY ("station_id") REFERENCES "public"."stations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "results_protocols_mission_id_contest_id_index" ON "results_protocols" USING btree ("mission_id","contest_id");--> statement-breakpoint
CREATE INDEX "turnout_reports_mission_id_index" ON "turnout_reports" USING btree ("mission_id");