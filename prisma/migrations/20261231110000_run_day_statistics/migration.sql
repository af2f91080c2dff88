-- The overview's per-day run figures (runStatistics), kept for days that are over and
-- hold no active run, per tenant and UTC offset: a past day is counted once, so the
-- overview costs today's runs, not the runs of its whole window. A kept day is
-- forgotten (counted again on the next read) when one of its runs is deleted, a
-- finished run is opened again (a retry healing it in place) or a run is inserted
-- with a past creation time (a day is kept only from 5 minutes after its end, so runs
-- created as usual never land in a kept day). Invalidations and
-- fills take one advisory lock, shared and exclusive: a fill's counts cannot miss a
-- deletion that committed while it counted.
CREATE TABLE "run_day_statistics" (
  "tenant_id" UUID NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
  "utc_offset_minutes" INTEGER NOT NULL,
  "day" DATE NOT NULL,
  "succeeded" INTEGER NOT NULL,
  "failed" INTEGER NOT NULL,
  "cancelled" INTEGER NOT NULL,
  "average_duration_seconds" DOUBLE PRECISION,
  "max_duration_seconds" DOUBLE PRECISION,
  PRIMARY KEY ("tenant_id", "utc_offset_minutes", "day")
);
CREATE INDEX "run_day_statistics_day_idx" ON "run_day_statistics" ("day");
SELECT cyclone_track_data_version('run_day_statistics', 'data');

-- The lock's key, shared by the invalidations below and the fills (run-day-statistics.ts).
CREATE FUNCTION cyclone_forget_run_days(first_created timestamptz, last_created timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF first_created IS NULL THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock_shared(hashtext('cyclone-run-days'));
  -- Any offset (-12:00 to +14:00) puts a run on its UTC day, the day before or the day after.
  DELETE FROM run_day_statistics
  WHERE day BETWEEN (first_created AT TIME ZONE 'UTC')::date - 1 AND (last_created AT TIME ZONE 'UTC')::date + 1;
END $$;

CREATE FUNCTION cyclone_runs_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM cyclone_forget_run_days((SELECT min(created_at) FROM gone_runs), (SELECT max(created_at) FROM gone_runs));
  RETURN NULL;
END $$;

CREATE TRIGGER cyclone_run_days_delete AFTER DELETE ON "workflow_runs" REFERENCING OLD TABLE AS gone_runs
  FOR EACH STATEMENT EXECUTE FUNCTION cyclone_runs_deleted();

CREATE FUNCTION cyclone_run_day_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM cyclone_forget_run_days(NEW.created_at, NEW.created_at);
  RETURN NULL;
END $$;

-- Row-level with a WHEN: the controller's many phase updates of active runs, and runs
-- created now, call nothing.
CREATE TRIGGER cyclone_run_days_reopen AFTER UPDATE OF "phase" ON "workflow_runs" FOR EACH ROW
  WHEN (OLD.phase IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND NEW.phase IS DISTINCT FROM OLD.phase)
  EXECUTE FUNCTION cyclone_run_day_changed();
CREATE TRIGGER cyclone_run_days_backdated AFTER INSERT ON "workflow_runs" FOR EACH ROW
  WHEN (NEW.created_at < now() - interval '5 minutes')
  EXECUTE FUNCTION cyclone_run_day_changed();
