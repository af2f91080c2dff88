-- Mirror wake-up: a committed change to what the Kubernetes mirror writes into the
-- cluster (tenants and their objects) sends a NOTIFY on channel cyclone_mirror, so
-- the controller's mirror makes a new tenant's namespace, RoleBinding and custom
-- resources at once instead of on its next resync (30 s by default): a run started
-- on the Kubernetes executor right after its tenant was created found no namespace.
-- The trigger arguments name bookkeeping columns that are not a change of what is
-- mirrored (workflows.last_run_number moves on every run creation); identical
-- notifications of one transaction are folded by Postgres into one.
CREATE FUNCTION cyclone_mirror_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ignored text[];
BEGIN
  IF TG_OP = 'UPDATE' THEN
    ignored := COALESCE(TG_ARGV, '{}');
    IF NOT EXISTS (
      SELECT 1 FROM old_rows o JOIN changed_rows n ON n.id = o.id
      WHERE (to_jsonb(o) - ignored) IS DISTINCT FROM (to_jsonb(n) - ignored)
    ) THEN
      RETURN NULL;
    END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM changed_rows) THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('cyclone_mirror', TG_TABLE_NAME);
  RETURN NULL;
END $$;

CREATE FUNCTION cyclone_track_mirror(target regclass, ignored_columns text[] DEFAULT '{}')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  arguments text := (SELECT string_agg(quote_literal(c), ', ') FROM unnest(ignored_columns) AS c);
BEGIN
  EXECUTE format('CREATE TRIGGER cyclone_mirror_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS changed_rows '
    'FOR EACH STATEMENT EXECUTE FUNCTION cyclone_mirror_rows_changed()', target);
  EXECUTE format('CREATE TRIGGER cyclone_mirror_update AFTER UPDATE ON %s '
    'REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed_rows '
    'FOR EACH STATEMENT EXECUTE FUNCTION cyclone_mirror_rows_changed(%s)', target, COALESCE(arguments, ''));
  EXECUTE format('CREATE TRIGGER cyclone_mirror_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS changed_rows '
    'FOR EACH STATEMENT EXECUTE FUNCTION cyclone_mirror_rows_changed()', target);
END $$;

-- What kube-sync/desired-state.ts reads. The cron's next fire time is bookkeeping.
SELECT cyclone_track_mirror('tenants');
SELECT cyclone_track_mirror('integrations');
SELECT cyclone_track_mirror('projects');
SELECT cyclone_track_mirror('resources');
SELECT cyclone_track_mirror('stages');
SELECT cyclone_track_mirror('workflows', ARRAY['last_run_number']);
SELECT cyclone_track_mirror('workflow_triggers', ARRAY['next_fire_at', 'updated_at']);
