-- Stations imported before national lists were numbered uniquely in their mission, so their number is their code.
UPDATE "stations" SET "code" = "number" WHERE "code" IS NULL;
