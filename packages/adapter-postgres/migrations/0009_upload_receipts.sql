-- Receipts of committed imports (POST /upload/{entity}): the SHA-256 of the file per tenant and
-- entity is the idempotency key, so that the same file uploaded twice creates nothing twice.
CREATE TABLE upload_receipts (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  entity text NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  result jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, entity, sha256)
);
ALTER TABLE upload_receipts ENABLE ROW LEVEL SECURITY;
ALTER TABLE upload_receipts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON upload_receipts USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON upload_receipts TO epca_app;
