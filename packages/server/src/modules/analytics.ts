import {
  analyticsSeriesSchema,
  employeeRankingMetricSchema,
  isoDateSchema,
  projectRankingMetricSchema,
  rankingLimitSchema,
  type AnalyticsSubject,
} from "@epca/core";
import { z } from "zod";
import type { ServerModule } from "../http/module.js";
import type { RouteTable } from "../http/route-table.js";
import { idParams, integerFromString } from "../http/params.js";
import { named } from "../http/openapi.js";
import { ok } from "../http/replies.js";
import { analyticsSchemas } from "./schemas.js";

const tags = ["analytics"];
/** Every analytics route only reads: its unit of work may run on the read replica (`DATABASE_READ_URL`). */
const readOnly = true;
/** `limit` of the rankings: a query string, coerced to a number and held to core's bounds. */
const rankingLimit = z.preprocess(integerFromString, rankingLimitSchema);

/** `from` / `to` of every analytics route: inclusive ISO dates; `from` after `to` answers 422 (core checks the order). */
const period = {
  from: isoDateSchema.optional().describe("First day counted, inclusive (`YYYY-MM-DD`); without `from` and `to`: all time."),
  to: isoDateSchema.optional().describe("Last day counted, inclusive (`YYYY-MM-DD`)."),
};
const periodQuery = z.object(period);
const seriesQuery = z.object({
  ...period,
  interval: z.enum(["month", "quarter"]).default("month").describe("One point per month, or per quarter."),
});
const AnalyticsSeries = named(analyticsSeriesSchema, "AnalyticsSeries");
const PERIOD_NOTE = " Takes a period `from`/`to` (docs/metrics.md, \"Periods and series\").";
const PAY_NOTE = " Pay-derived fields (cost, profit, roi, hourly_cost, labour_cost) are left out unless the caller may see this person's pay (docs/privacy.md).";

/** The series routes: one per subject, the same query and answer. */
function seriesRoutes(api: RouteTable): void {
  const subjects: { path: string; param?: "dept_id" | "emp_id" | "proj_id"; kind: AnalyticsSubject["kind"]; what: string; resource: string }[] = [
    { path: "/analytics/company/series", kind: "company", what: "the company", resource: "company_analytics" },
    { path: "/analytics/departments/{dept_id}/series", param: "dept_id", kind: "department", what: "a department", resource: "analytics" },
    { path: "/analytics/employees/{emp_id}/series", param: "emp_id", kind: "employee", what: "an employee", resource: "analytics" },
    { path: "/analytics/projects/{proj_id}/series", param: "proj_id", kind: "project", what: "a project", resource: "analytics" },
  ];
  for (const s of subjects) {
    api.define(
      {
        method: "get",
        path: s.path,
        summary: `Monthly or quarterly series of ${s.what}`,
        description:
          "Points `{month, hours, labour_cost, salary_cost, direct_cost, revenue, cost, profit, roi, productivity_index}` that add up to `total`; without `from` the 12 months ending with the month of `to` (default today)." +
          (s.kind === "employee" ? PAY_NOTE.replace("(cost, profit, roi, hourly_cost, labour_cost)", "(labour_cost, salary_cost, cost, profit, roi)") : ""),
        tags,
        readOnly,
        permission: { action: "read", resource: s.resource },
        request: s.param ? { params: idParams(s.param), query: seriesQuery } : { query: seriesQuery },
        responses: { 200: { description: "The series", schema: AnalyticsSeries } },
      },
      async ({ epca, actor, params, query }) => {
        const id = s.param ? (params as Record<string, number>)[s.param]! : 0;
        const subject: AnalyticsSubject = s.kind === "company" ? { kind: "company" } : { kind: s.kind, id };
        return ok(await epca.analytics.series(actor, subject, query));
      },
    );
  }
}

/** `/analytics`: spec 000 section 4, "Analytics Endpoints"; formulas in contract section 6. */
function routes(api: RouteTable): void {
  api.define(
    {
      method: "get",
      path: "/analytics/company",
      summary: "Company-wide analytics",
      tags,
      readOnly,
      description: "With `department_metrics`, `monthly_revenue` (12 months) and `revenue_trend` / `roi_trend` against the previous period of the same length." + PERIOD_NOTE,
      permission: { action: "read", resource: "company_analytics" },
      request: { query: periodQuery },
      responses: { 200: { description: "The company's figures", schema: analyticsSchemas.CompanyAnalytics } },
    },
    async ({ epca, actor, query }) => ok(await epca.analytics.company(actor, query)),
  );

  api.define(
    {
      method: "get",
      path: "/analytics/departments/{dept_id}",
      summary: "Department analytics",
      tags,
      readOnly,
      permission: { action: "read", resource: "analytics" },
      description: PERIOD_NOTE.trim(),
      request: { params: idParams("dept_id"), query: periodQuery },
      responses: { 200: { description: "The department's figures", schema: analyticsSchemas.DepartmentAnalytics } },
    },
    async ({ epca, actor, params, query }) => ok(await epca.analytics.department(actor, params.dept_id, query)),
  );

  api.define(
    {
      method: "get",
      path: "/analytics/employees/{emp_id}",
      summary: "Employee analytics",
      tags,
      readOnly,
      permission: { action: "read", resource: "analytics" },
      description: (PERIOD_NOTE + PAY_NOTE).trim(),
      request: { params: idParams("emp_id"), query: periodQuery },
      responses: { 200: { description: "The employee's figures", schema: analyticsSchemas.EmployeeAnalytics } },
    },
    async ({ epca, actor, params, query }) => ok(await epca.analytics.employee(actor, params.emp_id, query)),
  );

  api.define(
    {
      method: "get",
      path: "/analytics/projects/{proj_id}",
      summary: "Project analytics",
      tags,
      readOnly,
      permission: { action: "read", resource: "analytics" },
      description: PERIOD_NOTE.trim(),
      request: { params: idParams("proj_id"), query: periodQuery },
      responses: { 200: { description: "The project's figures", schema: analyticsSchemas.ProjectAnalytics } },
    },
    async ({ epca, actor, params, query }) => ok(await epca.analytics.project(actor, params.proj_id, query)),
  );

  api.define(
    {
      method: "get",
      path: "/analytics/top-performers",
      summary: "Top performing employees",
      description:
        "Employees without hours are left out of `productivity_index` rankings." +
        PERIOD_NOTE +
        PAY_NOTE +
        " In a ranking by `roi` the employees whose pay the caller may not see are left out.",
      tags,
      readOnly,
      permission: { action: "read", resource: "company_analytics" },
      request: {
        query: z.object({
          limit: rankingLimit.default(10),
          metric: employeeRankingMetricSchema.default("productivity_index"),
          ...period,
        }),
      },
      responses: { 200: { description: "Ranked employees", schema: z.array(analyticsSchemas.EmployeeRanking) } },
    },
    async ({ epca, actor, query }) => ok(await epca.analytics.topPerformers(actor, query)),
  );

  api.define(
    {
      method: "get",
      path: "/analytics/top-projects",
      summary: "Top performing projects",
      description: PERIOD_NOTE.trim(),
      tags,
      readOnly,
      permission: { action: "read", resource: "company_analytics" },
      request: {
        query: z.object({
          limit: rankingLimit.default(10),
          metric: projectRankingMetricSchema.default("roi"),
          ...period,
        }),
      },
      responses: { 200: { description: "Ranked projects", schema: z.array(analyticsSchemas.ProjectRanking) } },
    },
    async ({ epca, actor, query }) => ok(await epca.analytics.topProjects(actor, query)),
  );

  seriesRoutes(api);
}

/** The `analytics` module. */
export const analyticsModule: ServerModule = {
  name: "analytics",
  tags: [{ name: "analytics", description: 'ROI, productivity and profitability figures (contract section 6); "Analytics Endpoints".' }],
  routes,
};
