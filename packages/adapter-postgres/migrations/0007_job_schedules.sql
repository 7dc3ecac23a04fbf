-- Recurring jobs (cron in a time zone), per tenant. Like `jobs`, a platform table read by the
-- schedulers of every process: `next_run_at` moves by compare-and-set, and each due time is
-- enqueued with the idempotency key `schedule:<id>:<due time>`, so it becomes one job however
-- many schedulers saw it.
CREATE TABLE job_schedules (
  id uuid PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id),
  name text NOT NULL,
  cron text NOT NULL,
  timezone text NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  enabled boolean NOT NULL,
  next_run_at timestamptz,
  last_run_at timestamptz,
  created_by bigint,
  created_at timestamptz NOT NULL
);
CREATE INDEX job_schedules_due_idx ON job_schedules (next_run_at) WHERE enabled;
CREATE INDEX job_schedules_tenant_idx ON job_schedules (tenant_id, created_at);
