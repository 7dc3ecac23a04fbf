-- The company's series per month without reading a row per project and month (issue 9: the
-- 24-month company series read 48,000 project-month buckets at 1,000,000 timesheets).
--
-- A month's revenue (and direct cost) is Σ over projects of revenue × the month's hours / the
-- project's all-time hours: every write on a project changes its all-time hours and so its share
-- of every month it has hours in. `project_month_shares` keeps, per project × month, the hours,
-- salary-weighted hours and the two shares (exact `numeric`, computed by one formula);
-- `company_month_rollups` keeps their sums per month. A write refreshes the shares of the
-- projects it touched and adds the difference (new − old) to the company's months: `numeric`
-- addition is exact, so the sums stay equal to a rebuild from scratch, which `verifyRollups`
-- checks. A write marks the projects it touched (`company_month_pending`); the shares of every
-- marked project are refreshed once, by a deferred trigger when the transaction commits (a bulk
-- import of 200 statements refreshes each project once, not 200 times), or earlier by a read of
-- the company's months in the same transaction (`company_month_flush()`), so that a transaction
-- reads its own writes. Statement-level triggers mark, in the same transaction as the write:
--   timesheets (after the rollups of 0004: trigger names sort after theirs), an employee's salary
--   (after the salary trigger of 0004), a project's revenue or cost.

CREATE TABLE project_month_shares (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  project_id bigint NOT NULL,
  month date NOT NULL,
  hours numeric NOT NULL,
  salary_hours numeric NOT NULL,
  revenue_share numeric NOT NULL,
  cost_share numeric NOT NULL,
  PRIMARY KEY (tenant_id, project_id, month)
);

CREATE TABLE company_month_rollups (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  month date NOT NULL CHECK (month = date_trunc('month', month)::date),
  hours numeric NOT NULL,
  salary_hours numeric NOT NULL,
  revenue_share numeric NOT NULL,
  cost_share numeric NOT NULL,
  PRIMARY KEY (tenant_id, month)
);

-- The shares of some projects as the rollups and projects say now (the one formula; a rebuild uses it too).
CREATE FUNCTION project_month_shares_of(affected bigint[])
RETURNS TABLE (tenant_id text, project_id bigint, month date, hours numeric, salary_hours numeric, revenue_share numeric, cost_share numeric)
LANGUAGE sql STABLE AS $$
  WITH totals AS (
    SELECT r.tenant_id, r.project_id, sum(r.hours) AS total FROM project_month_rollups r
     WHERE affected IS NULL OR r.project_id = ANY (affected) GROUP BY 1, 2
  )
  SELECT r.tenant_id, r.project_id, r.month, r.hours, r.salary_hours,
         CASE WHEN t.total = 0 THEN 0 ELSE p.revenue::numeric * r.hours / t.total END,
         CASE WHEN t.total = 0 THEN 0 ELSE p.cost::numeric * r.hours / t.total END
    FROM project_month_rollups r
    JOIN totals t ON t.tenant_id = r.tenant_id AND t.project_id = r.project_id
    JOIN projects p ON p.tenant_id = r.tenant_id AND p.id = r.project_id
   WHERE affected IS NULL OR r.project_id = ANY (affected)
$$;

-- Salaries by hire date, for the prorated salary cost of a month (days employed / 365): a
-- company's months read a row per hire date instead of one per employee. No hire date is kept
-- as '-infinity' (employed throughout, as core's `employedDays` has it).
CREATE TABLE employee_hire_rollups (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  hire_date date NOT NULL,
  salary numeric NOT NULL,
  employees integer NOT NULL CHECK (employees >= 0),
  PRIMARY KEY (tenant_id, hire_date)
);

CREATE FUNCTION employee_hire_rollups_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE employee_hire_rollups r SET salary = r.salary - o.salary, employees = r.employees - o.employees
      FROM (SELECT tenant_id, COALESCE(hire_date, '-infinity'::date) AS hire_date, sum(salary::numeric) AS salary, count(*) AS employees
              FROM old_rows GROUP BY 1, 2) o
     WHERE r.tenant_id = o.tenant_id AND r.hire_date = o.hire_date;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO employee_hire_rollups AS r (tenant_id, hire_date, salary, employees)
    SELECT tenant_id, COALESCE(hire_date, '-infinity'::date), sum(salary::numeric), count(*) FROM new_rows GROUP BY 1, 2
    ON CONFLICT (tenant_id, hire_date) DO UPDATE SET salary = r.salary + EXCLUDED.salary, employees = r.employees + EXCLUDED.employees;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM employee_hire_rollups r
     USING (SELECT DISTINCT tenant_id, COALESCE(hire_date, '-infinity'::date) AS hire_date FROM old_rows) o
     WHERE r.tenant_id = o.tenant_id AND r.hire_date = o.hire_date AND r.employees = 0;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER employee_hire_rollups_insert AFTER INSERT ON employees
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION employee_hire_rollups_apply();
CREATE TRIGGER employee_hire_rollups_update AFTER UPDATE ON employees
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION employee_hire_rollups_apply();
CREATE TRIGGER employee_hire_rollups_delete AFTER DELETE ON employees
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION employee_hire_rollups_apply();

-- Brings the shares of `affected` up to date and adds their change to the company's months.
CREATE FUNCTION company_month_refresh(affected bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF affected IS NULL OR cardinality(affected) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO company_month_rollups AS c (tenant_id, month, hours, salary_hours, revenue_share, cost_share)
  SELECT d.tenant_id, d.month, sum(d.hours), sum(d.salary_hours), sum(d.revenue_share), sum(d.cost_share)
    FROM (
      SELECT f.tenant_id, f.month, f.hours, f.salary_hours, f.revenue_share, f.cost_share FROM project_month_shares_of(affected) f
      UNION ALL
      SELECT s.tenant_id, s.month, -s.hours, -s.salary_hours, -s.revenue_share, -s.cost_share
        FROM project_month_shares s WHERE s.project_id = ANY (affected)
    ) d
   GROUP BY 1, 2
  ON CONFLICT (tenant_id, month) DO UPDATE SET
    hours = c.hours + EXCLUDED.hours, salary_hours = c.salary_hours + EXCLUDED.salary_hours,
    revenue_share = c.revenue_share + EXCLUDED.revenue_share, cost_share = c.cost_share + EXCLUDED.cost_share;
  DELETE FROM project_month_shares s WHERE s.project_id = ANY (affected);
  INSERT INTO project_month_shares (tenant_id, project_id, month, hours, salary_hours, revenue_share, cost_share)
  SELECT * FROM project_month_shares_of(affected);
END
$$;

CREATE TABLE company_month_pending (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  project_id bigint NOT NULL,
  PRIMARY KEY (tenant_id, project_id)
);

-- Refreshes the marked projects of the tenant (a no-op when none is marked).
CREATE FUNCTION company_month_flush() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  affected bigint[];
BEGIN
  -- A read-only transaction (a replica, an analytics request) wrote nothing to refresh.
  IF current_setting('transaction_read_only') = 'on' THEN RETURN; END IF;
  WITH gone AS (DELETE FROM company_month_pending RETURNING project_id) SELECT array_agg(project_id) INTO affected FROM gone;
  PERFORM company_month_refresh(affected);
END
$$;

CREATE FUNCTION company_month_pending_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM company_month_flush();
  RETURN NULL;
END
$$;
-- At commit: the first marked row refreshes every marked project; the others find none left.
CREATE CONSTRAINT TRIGGER company_month_pending_commit AFTER INSERT ON company_month_pending
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION company_month_pending_commit();

-- Marks the projects a write touched, with their tenant (a superuser's COPY sets no app.tenant_id).
CREATE FUNCTION company_month_timesheets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO company_month_pending (tenant_id, project_id) SELECT DISTINCT tenant_id, project_id FROM new_rows ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO company_month_pending (tenant_id, project_id) SELECT DISTINCT tenant_id, project_id FROM old_rows ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO company_month_pending (tenant_id, project_id)
    SELECT tenant_id, project_id FROM new_rows UNION SELECT tenant_id, project_id FROM old_rows ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER timesheets_company_month_insert AFTER INSERT ON timesheets
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION company_month_timesheets();
CREATE TRIGGER timesheets_company_month_update AFTER UPDATE ON timesheets
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION company_month_timesheets();
CREATE TRIGGER timesheets_company_month_delete AFTER DELETE ON timesheets
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION company_month_timesheets();

-- A salary change moves the salary-weighted hours of the employee's projects (0004 updated them).
CREATE FUNCTION company_month_salaries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO company_month_pending (tenant_id, project_id)
  SELECT DISTINCT n.tenant_id, x.project_id
    FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
    JOIN timesheet_rollups x ON x.tenant_id = n.tenant_id AND x.employee_id = n.id
   WHERE n.salary IS DISTINCT FROM o.salary
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER project_month_shares_salary AFTER UPDATE ON employees
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION company_month_salaries();

-- A project's revenue or cost moves its shares.
CREATE FUNCTION company_month_projects() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO company_month_pending (tenant_id, project_id)
  SELECT DISTINCT n.tenant_id, n.id
    FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
   WHERE n.revenue IS DISTINCT FROM o.revenue OR n.cost IS DISTINCT FROM o.cost
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER project_month_shares_projects AFTER UPDATE ON projects
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION company_month_projects();

-- The rows already stored (as the owner: row-level security would hide every tenant's rows).
ALTER TABLE project_month_rollups NO FORCE ROW LEVEL SECURITY;
ALTER TABLE projects NO FORCE ROW LEVEL SECURITY;
INSERT INTO project_month_shares (tenant_id, project_id, month, hours, salary_hours, revenue_share, cost_share)
SELECT * FROM project_month_shares_of(NULL);
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
ALTER TABLE project_month_rollups FORCE ROW LEVEL SECURITY;
ALTER TABLE employees NO FORCE ROW LEVEL SECURITY;
INSERT INTO employee_hire_rollups (tenant_id, hire_date, salary, employees)
SELECT tenant_id, COALESCE(hire_date, '-infinity'::date), sum(salary::numeric), count(*) FROM employees GROUP BY 1, 2;
ALTER TABLE employees FORCE ROW LEVEL SECURITY;
INSERT INTO company_month_rollups (tenant_id, month, hours, salary_hours, revenue_share, cost_share)
SELECT tenant_id, month, sum(hours), sum(salary_hours), sum(revenue_share), sum(cost_share)
  FROM project_month_shares GROUP BY 1, 2;

ALTER TABLE project_month_shares ENABLE ROW LEVEL SECURITY;
ALTER TABLE project_month_shares FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON project_month_shares USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON project_month_shares TO epca_app;
ALTER TABLE company_month_rollups ENABLE ROW LEVEL SECURITY;
ALTER TABLE company_month_rollups FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON company_month_rollups USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON company_month_rollups TO epca_app;
ALTER TABLE employee_hire_rollups ENABLE ROW LEVEL SECURITY;
ALTER TABLE employee_hire_rollups FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON employee_hire_rollups USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON employee_hire_rollups TO epca_app;
ALTER TABLE company_month_pending ENABLE ROW LEVEL SECURITY;
ALTER TABLE company_month_pending FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON company_month_pending USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON company_month_pending TO epca_app;
