ALTER TABLE "stations" DROP CONSTRAINT "stations_missionId_number_unique";--> statement-breakpoint
ALTER TABLE "stations" ALTER COLUMN "lat" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "stations" ALTER COLUMN "lng" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "stations" ADD COLUMN "code" text;--> statement-breakpoint
ALTER TABLE "stations" ADD COLUMN "region" text;--> statement-breakpoint
ALTER TABLE "stations" ADD CONSTRAINT "stations_missionId_district_number_unique" UNIQUE("mission_id","district","number");--> statement-breakpoint
ALTER TABLE "stations" ADD CONSTRAINT "stations_missionId_code_unique" UNIQUE("mission_id","code");