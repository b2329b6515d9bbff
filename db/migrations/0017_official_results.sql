CREATE TABLE "official_result_imports" (
	"mission_id" uuid NOT NULL,
	"contest_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"imported_at" timestamp with time zone NOT NULL,
	"rows" integer NOT NULL,
	"stations" integer NOT NULL,
	"sha256" text NOT NULL,
	CONSTRAINT "official_result_imports_mission_id_contest_id_pk" PRIMARY KEY("mission_id","contest_id")
);
--> statement-breakpoint
CREATE TABLE "official_results" (
	"mission_id" uuid NOT NULL,
	"station_id" uuid NOT NULL,
	"contest_id" text NOT NULL,
	"figures" jsonb NOT NULL,
	"votes" jsonb NOT NULL,
	CONSTRAINT "official_results_station_id_contest_id_pk" PRIMARY KEY("station_id","contest_id")
);
--> statement-breakpoint
ALTER TABLE "official_result_imports" ADD CONSTRAINT "official_result_imports_mission_id_missions_id_fk" FOREIGN KEY ("mission_id") REFERENCES "public"."missions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "official_results" ADD CONSTRAINT "official_results_mission_id_missions_id_fk" FOREIGN KEY ("mission_id") REFERENCES "public"."missions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "official_results" ADD CONSTRAINT "official_results_station_id_stations_id_fk" FOREIGN KEY ("station_id") REFERENCES "public"."stations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "official_results_mission_id_contest_id_index" ON "official_results" USING btree ("mission_id","contest_id");