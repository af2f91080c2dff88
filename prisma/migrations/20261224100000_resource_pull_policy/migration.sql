-- Persistent resources take the original Cyclone's pull policy names: IfNotPresent,
-- which earlier versions stored, is IfNotExist.
UPDATE "resources"
SET "persistent" = jsonb_set("persistent", '{pullPolicy}', '"IfNotExist"')
WHERE "persistent" ->> 'pullPolicy' = 'IfNotPresent';
