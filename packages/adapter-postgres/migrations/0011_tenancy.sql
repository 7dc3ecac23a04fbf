-- Tenancy (issue 12): daily usage counters per tenant, and an append-only audit log.
-- Plan limits need no table: a limit's check takes a transaction-scoped advisory lock of
-- (tenant, limit) (see repositories/usage.ts), and the limits themselves live in tenants.limits.

-- One row per tenant and day; the usage meter adds its batched increments here (upsert).
CREATE TABLE tenant_usage_days (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  date date NOT NULL,
  api_calls bigint NOT NULL DEFAULT 0,
  predictions bigint NOT NULL DEFAULT 0,
  storage_bytes bigint NOT NULL DEFAULT 0,
  ml_training_seconds double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, date)
);

-- The distinct users active on a day (one row per user and day, written in the same batches).
CREATE TABLE tenant_active_users (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  date date NOT NULL,
  user_id bigint NOT NULL,
  PRIMARY KEY (tenant_id, date, user_id)
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenant_usage_days', 'tenant_active_users']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting(''app.tenant_id'', true)) '
      'WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE ON tenant_usage_days TO epca_app;
GRANT SELECT, INSERT ON tenant_active_users TO epca_app;

-- The audit log is append-only. The application role never had UPDATE or DELETE on it
-- (0001 granted SELECT, INSERT); this says so again, and a trigger refuses UPDATE, DELETE and
-- TRUNCATE from anyone, the table's owner included, so that no code path can rewrite history.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_logs FROM epca_app;

CREATE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_logs is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs
  FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only();
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only();

-- /audit-logs?user_id=… and ?action=…
CREATE INDEX audit_logs_tenant_user_idx ON audit_logs (tenant_id, user_id);
CREATE INDEX audit_logs_tenant_action_idx ON audit_logs (tenant_id, action);
