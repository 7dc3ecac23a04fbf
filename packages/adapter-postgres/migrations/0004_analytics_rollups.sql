-- Monthly rollups of counted hours per (tenant, employee, project, month), kept by triggers in the
-- same transaction as every INSERT, UPDATE and DELETE of timesheets (insertMany's INSERT … SELECT
-- included): analytics over periods read them instead of scanning timesheets (docs/metrics.md).
--
-- Only timesheets feed the rollup: hours are stored as exact decimals (numeric, so adding and
-- removing entries leaves no rounding drift) and `entries` counts the rows, a bucket being deleted
-- when its last entry goes. Salary-weighted hours are computed at read time from the employee's
-- current salary (Σ hours × salary = (Σ hours) × salary), so employee and project writes need no
-- trigger: their salary, hire date, department, revenue and cost are read from their own rows.
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

-- Rollups of the rows already stored (the migrating user owns the tables: lift FORCE for the backfill).
ALTER TABLE timesheets NO FORCE ROW LEVEL SECURITY;
INSERT INTO timesheet_rollups (tenant_id, employee_id, project_id, month, hours, entries)
SELECT tenant_id, employee_id, project_id, date_trunc('month', date)::date, sum(hours_worked::numeric), count(*)
  FROM timesheets WHERE status <> 'rejected'
 GROUP BY 1, 2, 3, 4;
ALTER TABLE timesheets FORCE ROW LEVEL SECURITY;

ALTER TABLE timesheet_rollups ENABLE ROW LEVEL SECURITY;
ALTER TABLE timesheet_rollups FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON timesheet_rollups USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON timesheet_rollups TO epca_app;

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
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO timesheet_rollups AS r (tenant_id, employee_id, project_id, month, hours, entries)
    SELECT tenant_id, employee_id, project_id, date_trunc('month', date)::date, sum(hours_worked::numeric), count(*)
      FROM new_rows WHERE status <> 'rejected'
     GROUP BY 1, 2, 3, 4
    ON CONFLICT (tenant_id, month, employee_id, project_id)
      DO UPDATE SET hours = r.hours + EXCLUDED.hours, entries = r.entries + EXCLUDED.entries;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM timesheet_rollups r
     USING (SELECT DISTINCT tenant_id, employee_id, project_id, date_trunc('month', date)::date AS month FROM old_rows) o
     WHERE r.tenant_id = o.tenant_id AND r.month = o.month AND r.employee_id = o.employee_id
       AND r.project_id = o.project_id AND r.entries = 0;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER timesheet_rollups_insert AFTER INSERT ON timesheets
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION timesheet_rollups_apply();
CREATE TRIGGER timesheet_rollups_update AFTER UPDATE ON timesheets
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION timesheet_rollups_apply();
CREATE TRIGGER timesheet_rollups_delete AFTER DELETE ON timesheets
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION timesheet_rollups_apply();
