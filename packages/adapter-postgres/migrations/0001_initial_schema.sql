-- EPCA schema: tenants plus the tenant-scoped tables, each isolated by row-level security.
-- Every tenant table carries tenant_id; foreign keys between tenant tables are composite
-- (tenant_id, x_id) so that a row can never point into another tenant, even though referential
-- integrity checks themselves bypass row-level security.
-- created_at and updated_at default to now() (the transaction's start, so both are equal on
-- insert); updates set updated_at = clock_timestamp(), which is never earlier.

CREATE TABLE tenants (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9_-]*$' AND length(id) <= 63),
  name text NOT NULL,
  subdomain text NOT NULL,
  plan text NOT NULL CHECK (plan IN ('starter', 'professional', 'enterprise')),
  is_active boolean NOT NULL DEFAULT true,
  limits jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tenants_subdomain_key UNIQUE (subdomain)
);

INSERT INTO tenants (id, name, subdomain, plan, is_active, limits)
VALUES ('default', 'Default', 'default', 'enterprise', true,
        '{"max_users": 10000, "max_projects": 50000, "max_storage_gb": 1000, "ml_training_hours": 1000}');

CREATE TABLE departments (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  budget double precision NOT NULL DEFAULT 0 CHECK (budget >= 0),
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT departments_tenant_id_id_key UNIQUE (tenant_id, id),
  CONSTRAINT departments_tenant_name_key UNIQUE (tenant_id, name)
);

CREATE TABLE employees (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  email text,
  department_id bigint NOT NULL,
  salary double precision NOT NULL CHECK (salary > 0),
  revenue_generated double precision NOT NULL DEFAULT 0 CHECK (revenue_generated >= 0),
  hire_date date,
  skills text[] NOT NULL DEFAULT '{}',
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT employees_tenant_id_id_key UNIQUE (tenant_id, id),
  CONSTRAINT employees_department_fkey FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id)
);
-- Emails are unique per tenant when given (NULLs never collide).
CREATE UNIQUE INDEX employees_tenant_email_key ON employees (tenant_id, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX employees_tenant_department_idx ON employees (tenant_id, department_id);

CREATE TABLE projects (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  department_id bigint NOT NULL,
  cost double precision NOT NULL DEFAULT 0 CHECK (cost >= 0),
  revenue double precision NOT NULL DEFAULT 0 CHECK (revenue >= 0),
  status text NOT NULL DEFAULT 'planned'
    CHECK (status IN ('planned', 'in_progress', 'completed', 'on_hold', 'cancelled')),
  completion_percentage double precision NOT NULL DEFAULT 0 CHECK (completion_percentage BETWEEN 0 AND 100),
  start_date date,
  end_date date,
  estimated_end_date date,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT projects_tenant_id_id_key UNIQUE (tenant_id, id),
  CONSTRAINT projects_department_fkey FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id),
  CONSTRAINT projects_dates_check CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date)
);
CREATE INDEX projects_tenant_department_idx ON projects (tenant_id, department_id);

CREATE TABLE users (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  password_hash text NOT NULL,
  full_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'department_head', 'analyst', 'read_only')),
  is_active boolean NOT NULL DEFAULT true,
  department_id bigint,
  employee_id bigint,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_tenant_id_id_key UNIQUE (tenant_id, id),
  CONSTRAINT users_department_fkey FOREIGN KEY (tenant_id, department_id)
    REFERENCES departments (tenant_id, id) ON DELETE SET NULL (department_id),
  CONSTRAINT users_employee_fkey FOREIGN KEY (tenant_id, employee_id)
    REFERENCES employees (tenant_id, id) ON DELETE SET NULL (employee_id)
);
CREATE UNIQUE INDEX users_tenant_email_key ON users (tenant_id, lower(email));
CREATE INDEX users_tenant_department_idx ON users (tenant_id, department_id);
CREATE INDEX users_tenant_employee_idx ON users (tenant_id, employee_id);

CREATE TABLE timesheets (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  employee_id bigint NOT NULL,
  project_id bigint NOT NULL,
  hours_worked double precision NOT NULL CHECK (hours_worked > 0 AND hours_worked <= 24),
  date date NOT NULL,
  description text,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'rejected')),
  reviewed_by bigint,
  reviewed_at timestamptz,
  review_note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT timesheets_employee_fkey FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id),
  CONSTRAINT timesheets_project_fkey FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id)
);
CREATE INDEX timesheets_tenant_employee_date_idx ON timesheets (tenant_id, employee_id, date);
CREATE INDEX timesheets_tenant_project_idx ON timesheets (tenant_id, project_id);

CREATE TABLE allocations (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  employee_id bigint NOT NULL,
  project_id bigint NOT NULL,
  allocation_percentage double precision NOT NULL CHECK (allocation_percentage BETWEEN 0 AND 100),
  allocated_hours double precision NOT NULL DEFAULT 0 CHECK (allocated_hours >= 0),
  start_date date NOT NULL,
  end_date date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT allocations_employee_fkey FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id),
  CONSTRAINT allocations_project_fkey FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id),
  CONSTRAINT allocations_dates_check CHECK (start_date <= end_date)
);
CREATE INDEX allocations_tenant_employee_idx ON allocations (tenant_id, employee_id, start_date);
CREATE INDEX allocations_tenant_project_idx ON allocations (tenant_id, project_id);

CREATE TABLE roles (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  description text,
  permissions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(permissions) = 'array'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT roles_tenant_id_id_key UNIQUE (tenant_id, id),
  CONSTRAINT roles_tenant_name_key UNIQUE (tenant_id, name)
);

CREATE TABLE user_roles (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  user_id bigint NOT NULL,
  role_id bigint NOT NULL,
  PRIMARY KEY (tenant_id, user_id, role_id),
  CONSTRAINT user_roles_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT user_roles_role_fkey FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX user_roles_tenant_role_idx ON user_roles (tenant_id, role_id);

CREATE TABLE refresh_tokens (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  family_id text NOT NULL,
  token_hash text NOT NULL,
  user_id bigint NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT refresh_tokens_tenant_hash_key UNIQUE (tenant_id, token_hash),
  CONSTRAINT refresh_tokens_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_tenant_family_idx ON refresh_tokens (tenant_id, family_id);
CREATE INDEX refresh_tokens_tenant_user_idx ON refresh_tokens (tenant_id, user_id);

CREATE TABLE audit_logs (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint,
  action text NOT NULL,
  resource_type text NOT NULL,
  resource_id text,
  changes jsonb NOT NULL,
  ip_address text,
  user_agent text,
  request_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_logs_tenant_resource_idx ON audit_logs (tenant_id, resource_type, resource_id);
CREATE INDEX audit_logs_tenant_created_idx ON audit_logs (tenant_id, created_at);

-- Row-level security: enabled and forced on every tenant table, failing closed when
-- app.tenant_id is unset (current_setting(..., true) is then NULL or '').
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['departments', 'employees', 'projects', 'users', 'timesheets', 'allocations',
                           'roles', 'user_roles', 'refresh_tokens', 'audit_logs']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting(''app.tenant_id'', true)) '
      'WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))', t);
  END LOOP;
END
$$;

-- The role every tenant transaction switches to (SET LOCAL ROLE): it owns nothing, cannot log
-- in and cannot bypass row-level security. Roles are cluster-wide, so another database of the
-- same cluster may have created it already (or be creating it right now).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'epca_app') THEN
    BEGIN
      CREATE ROLE epca_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
  -- The migrating user must be able to SET ROLE epca_app (a no-op for superusers).
  IF NOT EXISTS (
    SELECT 1 FROM pg_roles r WHERE r.rolname = current_user AND r.rolsuper
  ) THEN
    EXECUTE format('GRANT epca_app TO %I', current_user);
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO epca_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON departments, employees, projects, users, timesheets, allocations,
  roles, user_roles, refresh_tokens TO epca_app;
-- The audit log is append-only for the application.
GRANT SELECT, INSERT ON audit_logs TO epca_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO epca_app;
