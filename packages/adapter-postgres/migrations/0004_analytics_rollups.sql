-- Monthly rollups of counted hours per (tenant, employee, project, month), kept by triggers in the
-- same transaction as every INSERT, UPDATE and DELETE of timesheets (insertMany's INSERT … SELECT
-- included): analytics over periods read them instead of scanning timesheets (docs/metrics.md).
--
-- Only timesheets feed the per-employee rollup: hours are stored as exact decimals (numeric, so
-- adding and removing entries leaves no rounding drift) and `entries` counts the rows, a bucket
-- being deleted when its last entry goes. Its salary-weighted hours are computed at read time from
-- the employee's current salary (Σ hours × salary = (Σ hours) × salary). Hire date, department,
-- revenue and cost are read from their own rows. The per-project rollup below also holds salary-
-- weighted hours, so a salary change updates it (trigger on employees).
-- Rejected entries are not in the rollup; a status change moves an entry in or out.

CREATE TABLE timesheet_rollups (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  employee_id bigint NOT NULL,
  project_id bigint NOT NULL,
  month date NOT NULL CHECK (month = date_trunc('month', month)::date),
  hours numeric NOT NULL,
  entries integer NOT NULL CHECK (entries >= 0),
  PRIMARY KEY (tenant_id, month, employee_id, project_id)
);
CREATE INDEX timesheet_rollups_employee_idx ON timesheet_rollups (tenant_id, employee_id, month);
CREATE INDEX timesheet_rollups_project_idx ON timesheet_rollups (tenant_id, project_id, month);
-- Partial months at a period's edges are read from timesheets by date.
CREATE INDEX timesheets_tenant_date_idx ON timesheets (tenant_id, date);

-- The company's grain: per (tenant, project, month) the counted hours and Σ hours × the salary of
-- whoever logged them (numeric, exact), kept by the same triggers and, for salary changes, by a
-- trigger on employees. The company's figures and series read these (at most projects × months
-- rows) instead of the per-employee rollups.
CREATE TABLE project_month_rollups (
  tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
  project_id bigint NOT NULL,
  month date NOT NULL CHECK (month = date_trunc('month', month)::date),
  hours numeric NOT NULL,
  salary_hours numeric NOT NULL,
  entries integer NOT NULL,
  PRIMARY KEY (tenant_id, month, project_id)
);
CREATE INDEX project_month_rollups_project_idx ON project_month_rollups (tenant_id, project_id, month);

-- Rollups of the rows already stored (the migrating user owns the tables: lift FORCE for the backfill).
ALTER TABLE timesheets NO FORCE ROW LEVEL SECURITY;
INSERT INTO timesheet_rollups (tenant_id, employee_id, project_id, month, hours, entries)
SELECT tenant_id, employee_id, project_id, date_trunc('month', date)::date, sum(hours_worked::numeric), count(*)
  FROM timesheets WHERE status <> 'rejected'
 GROUP BY 1, 2, 3, 4;
ALTER TABLE employees NO FORCE ROW LEVEL SECURITY;
INSERT INTO project_month_rollups (tenant_id, project_id, month, hours, salary_hours, entries)
SELECT t.tenant_id, t.project_id, date_trunc('month', t.date)::date, sum(t.hours_worked::numeric),
       sum(t.hours_worked::numeric * e.salary::numeric), count(*)
  FROM timesheets t JOIN employees e ON e.tenant_id = t.tenant_id AND e.id = t.employee_id
 WHERE t.status <> 'rejected'
 GROUP BY 1, 2, 3;
ALTER TABLE employees FORCE ROW LEVEL SECURITY;
ALTER TABLE timesheets FORCE ROW LEVEL SECURITY;

ALTER TABLE timesheet_rollups ENABLE ROW LEVEL SECURITY;
ALTER TABLE timesheet_rollups FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON timesheet_rollups USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON timesheet_rollups TO epca_app;
ALTER TABLE project_month_rollups ENABLE ROW LEVEL SECURITY;
ALTER TABLE project_month_rollups FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON project_month_rollups USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON project_month_rollups TO epca_app;

-- One function for the three statement-level triggers: subtracts the old rows from their buckets, adds the
-- new rows', and drops buckets left without entries. Transition tables make a bulk insert one
-- grouped upsert instead of one per row.
CREATE FUNCTION timesheet_rollups_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    -- Every counted old row has its bucket (the rollup holds exactly the counted rows).
    UPDATE timesheet_rollups r SET hours = r.hours - o.hours, entries = r.entries - o.entries
      FROM (SELECT tenant_id, employee_id, project_id, date_trunc('month', date)::date AS month,
                   sum(hours_worked::numeric) AS hours, count(*) AS entries
              FROM old_rows WHERE status <> 'rejected' GROUP BY 1, 2, 3, 4) o
     WHERE r.tenant_id = o.tenant_id AND r.month = o.month AND r.employee_id = o.employee_id
       AND r.project_id = o.project_id;
    UPDATE project_month_rollups r SET hours = r.hours - o.hours, salary_hours = r.salary_hours - o.salary_hours,
           entries = r.entries - o.entries
      FROM (SELECT t.tenant_id, t.project_id, date_trunc('month', t.date)::date AS month,
                   sum(t.hours_worked::numeric) AS hours, sum(t.hours_worked::numeric * e.salary::numeric) AS salary_hours,
                   count(*) AS entries
              FROM old_rows t JOIN employees e ON e.tenant_id = t.tenant_id AND e.id = t.employee_id
             WHERE t.status <> 'rejected' GROUP BY 1, 2, 3) o
     WHERE r.tenant_id = o.tenant_id AND r.month = o.month AND r.project_id = o.project_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO timesheet_rollups AS r (tenant_id, employee_id, project_id, month, hours, entries)
    SELECT tenant_id, employee_id, project_id, date_trunc('month', date)::date, sum(hours_worked::numeric), count(*)
      FROM new_rows WHERE status <> 'rejected'
     GROUP BY 1, 2, 3, 4
    ON CONFLICT (tenant_id, month, employee_id, project_id)
      DO UPDATE SET hours = r.hours + EXCLUDED.hours, entries = r.entries + EXCLUDED.entries;
    INSERT INTO project_month_rollups AS r (tenant_id, project_id, month, hours, salary_hours, entries)
    SELECT t.tenant_id, t.project_id, date_trunc('month', t.date)::date, sum(t.hours_worked::numeric),
           sum(t.hours_worked::numeric * e.salary::numeric), count(*)
      FROM new_rows t JOIN employees e ON e.tenant_id = t.tenant_id AND e.id = t.employee_id
     WHERE t.status <> 'rejected'
     GROUP BY 1, 2, 3
    ON CONFLICT (tenant_id, month, project_id)
      DO UPDATE SET hours = r.hours + EXCLUDED.hours, salary_hours = r.salary_hours + EXCLUDED.salary_hours,
                    entries = r.entries + EXCLUDED.entries;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM timesheet_rollups r
     USING (SELECT DISTINCT tenant_id, employee_id, project_id, date_trunc('month', date)::date AS month FROM old_rows) o
     WHERE r.tenant_id = o.tenant_id AND r.month = o.month AND r.employee_id = o.employee_id
       AND r.project_id = o.project_id AND r.entries = 0;
    DELETE FROM project_month_rollups r
     USING (SELECT DISTINCT tenant_id, project_id, date_trunc('month', date)::date AS month FROM old_rows) o
     WHERE r.tenant_id = o.tenant_id AND r.month = o.month AND r.project_id = o.project_id AND r.entries = 0;
  END IF;
  RETURN NULL;
END
$$;

-- A salary change re-weighs the employee's hours in the company's grain (the per-employee
-- rollups hold hours only). Old and new salary are exact decimals, so the result equals a rebuild.
CREATE FUNCTION project_month_rollups_salary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE project_month_rollups r SET salary_hours = r.salary_hours + d.delta
    FROM (SELECT n.tenant_id, x.project_id, x.month,
                 sum(x.hours * (n.salary::numeric - o.salary::numeric)) AS delta
            FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
            JOIN timesheet_rollups x ON x.tenant_id = n.tenant_id AND x.employee_id = n.id
           WHERE n.salary IS DISTINCT FROM o.salary
           GROUP BY 1, 2, 3) d
   WHERE r.tenant_id = d.tenant_id AND r.month = d.month AND r.project_id = d.project_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER project_month_rollups_salary AFTER UPDATE ON employees
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION project_month_rollups_salary();

CREATE TRIGGER timesheet_rollups_insert AFTER INSERT ON timesheets
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION timesheet_rollups_apply();
CREATE TRIGGER timesheet_rollups_update AFTER UPDATE ON timesheets
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION timesheet_rollups_apply();
CREATE TRIGGER timesheet_rollups_delete AFTER DELETE ON timesheets
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION timesheet_rollups_apply();
