-- A timesheet write no longer refreshes its project's shares when it commits (issue 9: that
-- refresh made a single write 2.3× one without rollups). A write only marks its project in
-- `company_month_pending` (the triggers of 0012, unchanged); a read of the company's months
-- corrects the cached sums by the marked projects (their shares as the rollups say now, less the
-- cached ones: `company_months_current`), so it reads the same figures as before, in read-only
-- transactions and on a replica too; and a background refresh (`company_month_flush`, run by the
-- store every few seconds) brings the marked projects' shares up to date and clears their marks.
--
-- Why this stays exact: in every snapshot a project's cached shares equal its shares as the
-- rollups say, unless the project is marked. A write and its mark commit together; the refresh
-- takes `company_month_pending` in EXCLUSIVE mode before it reads the marks, which waits for every
-- transaction that marked a project and has not committed (a mark holds ROW EXCLUSIVE until its
-- commit) and keeps new marks out until the refresh commits, so the marks it clears cover every
-- write its new shares include, and a write it could not see is marked after it.

DROP TRIGGER company_month_pending_commit ON company_month_pending;
DROP FUNCTION company_month_pending_commit();
DROP FUNCTION company_month_flush();

-- The company's months in [from_month, to_month): the cached sums, corrected by the projects
-- marked since their last refresh. The live shares use 0012's formula (`project_month_shares_of`),
-- here joined with the marks so that the rollups are read by their primary key.
CREATE FUNCTION company_months_current(from_month date, to_month date)
RETURNS TABLE (month date, hours numeric, salary_hours numeric, revenue_share numeric, cost_share numeric)
LANGUAGE sql STABLE AS $$
  WITH totals AS (
    SELECT r.tenant_id, r.project_id, sum(r.hours) AS total
      FROM company_month_pending m
      JOIN project_month_rollups r ON r.tenant_id = m.tenant_id AND r.project_id = m.project_id
     GROUP BY 1, 2
  )
  SELECT d.month, sum(d.hours), sum(d.salary_hours), sum(d.revenue_share), sum(d.cost_share)
    FROM (
      SELECT c.month, c.hours, c.salary_hours, c.revenue_share, c.cost_share
        FROM company_month_rollups c WHERE c.month >= from_month AND c.month < to_month
      UNION ALL
      SELECT r.month, r.hours, r.salary_hours,
             CASE WHEN t.total = 0 THEN 0 ELSE p.revenue::numeric * r.hours / t.total END,
             CASE WHEN t.total = 0 THEN 0 ELSE p.cost::numeric * r.hours / t.total END
        FROM totals t
        JOIN project_month_rollups r ON r.tenant_id = t.tenant_id AND r.project_id = t.project_id
        JOIN projects p ON p.tenant_id = t.tenant_id AND p.id = t.project_id
       WHERE r.month >= from_month AND r.month < to_month
      UNION ALL
      SELECT s.month, -s.hours, -s.salary_hours, -s.revenue_share, -s.cost_share
        FROM company_month_pending m
        JOIN project_month_shares s ON s.tenant_id = m.tenant_id AND s.project_id = m.project_id
       WHERE s.month >= from_month AND s.month < to_month
    ) d
   GROUP BY d.month
$$;

-- Refreshes at most `max_projects` marked projects of the tenant and clears their marks; answers
-- how many it refreshed, 0 when none was marked, -1 when marking transactions kept the table
-- longer than `wait` (it then changes nothing: the next run tries again). Call it in a READ
-- COMMITTED transaction of its own: each of its statements must see what committed before it.
CREATE FUNCTION company_month_flush(max_projects integer DEFAULT 1000, wait interval DEFAULT '1 second')
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  affected bigint[];
  previous_timeout text := current_setting('lock_timeout');
BEGIN
  IF current_setting('transaction_read_only') = 'on' THEN RETURN 0; END IF;
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'company_month_flush needs a READ COMMITTED transaction, not %', current_setting('transaction_isolation');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM company_month_pending) THEN RETURN 0; END IF;
  PERFORM set_config('lock_timeout', (extract(epoch FROM wait) * 1000)::bigint::text, true);
  BEGIN
    LOCK TABLE company_month_pending IN EXCLUSIVE MODE;
  EXCEPTION WHEN lock_not_available THEN
    RETURN -1;
  END;
  PERFORM set_config('lock_timeout', previous_timeout, true);
  WITH chosen AS (
    SELECT project_id FROM company_month_pending ORDER BY project_id LIMIT max_projects
  ), gone AS (
    DELETE FROM company_month_pending m USING chosen c WHERE m.project_id = c.project_id RETURNING m.project_id
  )
  SELECT array_agg(project_id) INTO affected FROM gone;
  PERFORM company_month_refresh(affected);
  RETURN COALESCE(cardinality(affected), 0);
END
$$;
