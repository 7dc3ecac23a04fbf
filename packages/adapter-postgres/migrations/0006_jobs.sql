-- Background jobs of the in-process queue (the embedded default; see @epca/core's
-- createInProcessJobQueue). A platform table like rate_limit_counters: workers claim due jobs of
-- every tenant, so it has no row-level security; every tenant-facing statement filters on
-- tenant_id. `claim` and `lease_until` belong to the worker running a job: a worker that dies
-- leaves its lease to expire, and the job is queued again.
CREATE TABLE jobs (
  id uuid PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id),
  type text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  payload jsonb NOT NULL,
  progress jsonb NOT NULL,
  result jsonb,
  error text,
  attempts integer NOT NULL CHECK (attempts >= 0),
  max_attempts integer NOT NULL CHECK (max_attempts >= 1),
  retry_delay_seconds double precision NOT NULL,
  retry_backoff boolean NOT NULL,
  priority integer NOT NULL,
  run_at timestamptz NOT NULL,
  idempotency_key text,
  created_by bigint,
  claim text,
  lease_until timestamptz,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz
);
CREATE UNIQUE INDEX jobs_idempotency_key ON jobs (tenant_id, type, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX jobs_due_idx ON jobs (priority DESC, run_at) WHERE status = 'queued';
CREATE INDEX jobs_running_idx ON jobs (lease_until) WHERE status = 'running';
CREATE INDEX jobs_tenant_created_idx ON jobs (tenant_id, created_at DESC, id);
