-- The model registry of @epca/ml (its ModelRegistry port; the part `postgresModelRegistry` of
-- @epca/adapter-postgres/ml) and its prediction log. Tenant tables with row-level security.
-- Versions count per tenant and type; (tenant_id, type, version) is unique, so a save that raced
-- another can never store a second model under one version. At most one model per tenant and
-- type is deployed (a partial unique index). `training_key` makes training idempotent: the job
-- that trains a model saves it under its own key, and a retried job (its worker died) finds that
-- row again instead of saving a new version. Artifacts are JSON text stored as bytea (UTF-8).
CREATE TABLE ml_models (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type text NOT NULL CHECK (length(type) BETWEEN 1 AND 50),
  version integer NOT NULL CHECK (version >= 1),
  status text NOT NULL CHECK (status IN ('training', 'trained', 'validated', 'deployed', 'archived')),
  metrics jsonb NOT NULL DEFAULT '{}'::jsonb,
  hyperparameters jsonb NOT NULL DEFAULT '{}'::jsonb,
  artifacts bytea,
  training_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  deployed_at timestamptz,
  CONSTRAINT ml_models_version_unique UNIQUE (tenant_id, type, version)
);
CREATE UNIQUE INDEX ml_models_one_deployed ON ml_models (tenant_id, type) WHERE status = 'deployed';
CREATE UNIQUE INDEX ml_models_training_key ON ml_models (tenant_id, type, training_key) WHERE training_key IS NOT NULL;

CREATE TABLE ml_predictions (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_id bigint NOT NULL REFERENCES ml_models (id) ON DELETE CASCADE,
  input jsonb NOT NULL,
  output jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  actual jsonb,
  feedback_at timestamptz
);
CREATE INDEX ml_predictions_model_idx ON ml_predictions (tenant_id, model_id, created_at, id);

ALTER TABLE ml_models ENABLE ROW LEVEL SECURITY;
ALTER TABLE ml_models FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ml_models USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
ALTER TABLE ml_predictions ENABLE ROW LEVEL SECURITY;
ALTER TABLE ml_predictions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ml_predictions USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
GRANT SELECT, INSERT, UPDATE ON ml_models, ml_predictions TO epca_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO epca_app;
