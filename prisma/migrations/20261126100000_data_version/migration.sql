-- Data version: every committed change to the domain tables, by any writer (API
-- mutations, the controller, other processes, raw SQL), bumps this sequence and
-- sends a NOTIFY on channel cyclone_data. API processes LISTEN there and drop their
-- cached GraphQL answers (payload 'data') and, for identity tables, cached
-- authentications too (payload 'auth'). Identical notifications of one transaction
-- are folded by Postgres into one. See docs/api.md "Query cache".
CREATE SEQUENCE "cyclone_data_version";

-- TRUNCATE: always a change.
CREATE FUNCTION cyclone_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nextval('cyclone_data_version');
  PERFORM pg_notify('cyclone_data', TG_ARGV[0]);
  RETURN NULL;
END $$;

-- INSERT, UPDATE, DELETE: only when the statement touched a row (conditional
-- updates of the controller's passes often touch none).
CREATE FUNCTION cyclone_data_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed_rows) THEN
    PERFORM nextval('cyclone_data_version');
    PERFORM pg_notify('cyclone_data', TG_ARGV[0]);
  END IF;
  RETURN NULL;
END $$;

-- UPDATE of sessions and API tokens: bookkeeping of one column (last_used_at,
-- touched on authenticated requests) is not a change; anything else is.
CREATE FUNCTION cyclone_data_rows_changed_except() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM old_rows o JOIN changed_rows n ON n.id = o.id
    WHERE (to_jsonb(o) - TG_ARGV[1]) IS DISTINCT FROM (to_jsonb(n) - TG_ARGV[1])
  ) THEN
    PERFORM nextval('cyclone_data_version');
    PERFORM pg_notify('cyclone_data', TG_ARGV[0]);
  END IF;
  RETURN NULL;
END $$;

-- Installs the four triggers on a table. Every new table that GraphQL can read
-- must be tracked in its own migration: SELECT cyclone_track_data_version('t', 'data');
-- (query-cache.int.test.ts checks that no table is missed).
CREATE FUNCTION cyclone_track_data_version(target regclass, kind text, ignored_column text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TRIGGER cyclone_data_version_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS changed_rows '
    'FOR EACH STATEMENT EXECUTE FUNCTION cyclone_data_rows_changed(%L)', target, kind);
  IF ignored_column IS NULL THEN
    EXECUTE format('CREATE TRIGGER cyclone_data_version_update AFTER UPDATE ON %s REFERENCING NEW TABLE AS changed_rows '
      'FOR EACH STATEMENT EXECUTE FUNCTION cyclone_data_rows_changed(%L)', target, kind);
  ELSE
    EXECUTE format('CREATE TRIGGER cyclone_data_version_update AFTER UPDATE ON %s '
      'REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed_rows '
      'FOR EACH STATEMENT EXECUTE FUNCTION cyclone_data_rows_changed_except(%L, %L)', target, kind, ignored_column);
  END IF;
  EXECUTE format('CREATE TRIGGER cyclone_data_version_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS changed_rows '
    'FOR EACH STATEMENT EXECUTE FUNCTION cyclone_data_rows_changed(%L)', target, kind);
  EXECUTE format('CREATE TRIGGER cyclone_data_version_truncate AFTER TRUNCATE ON %s '
    'FOR EACH STATEMENT EXECUTE FUNCTION cyclone_data_changed(%L)', target, kind);
END $$;

-- Identity: also drops cached authentications (sign-out, revocation, user changes).
SELECT cyclone_track_data_version('users', 'auth');
SELECT cyclone_track_data_version('memberships', 'auth');
SELECT cyclone_track_data_version('sessions', 'auth', 'last_used_at');
SELECT cyclone_track_data_version('api_tokens', 'auth', 'last_used_at');

-- Everything else GraphQL can read. Not tracked: login_throttles (written by every
-- failed sign-in, read by no query).
SELECT cyclone_track_data_version(t, 'data') FROM unnest(ARRAY[
  'tenants', 'projects', 'integrations', 'resources', 'stages', 'stage_templates',
  'workflows', 'workflow_versions', 'workflow_triggers', 'workflow_runs', 'stage_runs',
  'log_lines', 'audit_events', 'webhook_deliveries', 'repository_webhooks',
  'scm_run_statuses', 'workflow_notifications', 'run_notifications', 'artifacts', 'sync_states'
]::regclass[]) AS t;
