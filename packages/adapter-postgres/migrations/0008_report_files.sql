-- Finished report files (@epca/reports' ReportFileStore): rendered in the background or by a
-- schedule, kept for download until `expires_at`, then purged. One row per file, the bytes in the
-- row (bytea, TOASTed out of line): reports are megabytes, not gigabytes. A tenant table with
-- row-level security like the others: every statement runs in the tenant's transaction.
CREATE TABLE report_files (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  id text NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
  name text NOT NULL,
  content_type text NOT NULL,
  content bytea NOT NULL,
  size integer NOT NULL CHECK (size >= 0),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  created_by bigint,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX report_files_list_idx ON report_files (tenant_id, created_at DESC, id);
CREATE INDEX report_files_expiry_idx ON report_files (expires_at);

ALTER TABLE report_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_files FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON report_files USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON report_files TO epca_app;
