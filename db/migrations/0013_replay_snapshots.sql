CREATE TABLE "replay_snapshots" (
	"mission_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL,
	"state" text NOT NULL,
	CONSTRAINT "replay_snapshots_mission_id_seq_pk" PRIMARY KEY("mission_id","seq")
);
--> statement-breakpoint
ALTER TABLE "replay_snapshots" ADD CONSTRAINT "replay_snapshots_mission_id_missions_id_fk" FOREIGN KEY ("mission_id") REFERENCES "public"."missions"("id") ON DELETE no action ON UPDATE no action;