-- Rate-limit counters of the reference server (its express-rate-limit store), shared by every
-- server instance on this database so that N instances allow the limit once, not N times.
--
-- A platform table: no tenant_id and no row-level security (a key is a limiter prefix plus a
-- client address or a tenant + username, not tenant data). UNLOGGED: counters are short-lived,
-- need no WAL, and losing them in a crash only resets the windows. One row per key: a fixed
-- window that starts at the key's first hit, like express-rate-limit's memory store.
CREATE UNLOGGED TABLE rate_limit_counters (
  key text PRIMARY KEY,
  hits integer NOT NULL CHECK (hits >= 0),
  reset_at timestamptz NOT NULL
);

-- For pruning expired windows.
CREATE INDEX rate_limit_counters_reset_at ON rate_limit_counters (reset_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limit_counters TO epca_app;
