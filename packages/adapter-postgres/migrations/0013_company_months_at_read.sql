-- The company's months computed when they are read, not kept on every write (issue 9: a timesheet
-- write in its own transaction cost 4.10× one without rollup triggers after 0012, against 1.19×
-- with the rollups of 0004 alone; the goal is ≤ 1.5×).
--
-- 0012 kept each project's share of revenue and direct cost per month (`project_month_shares`)
-- and their sums per month (`company_month_rollups`). A share's denominator is the project's
-- all-time hours, so every write on a project changed its share of every month it has hours in:
-- each write transaction re-derived ~24 share rows at commit (a deferred trigger) and updated the
-- company's months, rows every writer of the tenant shares (a writer waited for the others'
-- commits there).
--
-- Now a month's revenue is Σ over projects of revenue × the month's hours / the project's
-- all-time hours, summed at read time in one grouped statement over the per-project rollups of
-- 0004 (`project_month_rollups`, a row per project × month, kept O(1) per write) and projects.
-- A write keeps only the rollups of 0004; the salaries by hire date of 0012
-- (`employee_hire_rollups`, written only by employee changes) stay. A transaction reads its own
-- writes without a flush, and nothing is left to refresh at commit.

DROP TRIGGER timesheets_company_month_insert ON timesheets;
DROP TRIGGER timesheets_company_month_update ON timesheets;
DROP TRIGGER timesheets_company_month_delete ON timesheets;
DROP TRIGGER project_month_shares_salary ON employees;
DROP TRIGGER project_month_shares_projects ON projects;
-- The deferred constraint trigger goes with its table.
DROP TABLE company_month_pending;
DROP TABLE company_month_rollups;
DROP TABLE project_month_shares;

DROP FUNCTION company_month_timesheets();
DROP FUNCTION company_month_salaries();
DROP FUNCTION company_month_projects();
DROP FUNCTION company_month_pending_commit();
DROP FUNCTION company_month_flush();
DROP FUNCTION company_month_refresh(bigint[]);
DROP FUNCTION project_month_shares_of(bigint[]);
