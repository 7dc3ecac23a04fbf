import { employeeRankingMetricSchema, projectRankingMetricSchema, rankingLimitSchema } from "@epca/core";
import { z } from "zod";
import type { ServerModule } from "../http/module.js";
import type { RouteTable } from "../http/route-table.js";
import { idParams, integerFromString } from "../http/params.js";
import { ok } from "../http/replies.js";
import { analyticsSchemas } from "./schemas.js";

const tags = ["analytics"];
/** `limit` of the rankings: a query string, coerced to a number and held to core's bounds. */
const rankingLimit = z.preprocess(integerFromString, rankingLimitSchema);

/** `/analytics`: spec 000 section 4, "Analytics Endpoints"; formulas in contract section 6. */
function routes(api: RouteTable): void {
  api.define(
    {
      method: "get",
      path: "/analytics/company",
      summary: "Company-wide analytics",
      tags,
      permission: { action: "read", resource: "company_analytics" },
      responses: { 200: { description: "The company's figures", schema: analyticsSchemas.CompanyAnalytics } },
    },
    async ({ epca, actor }) => ok(await epca.analytics.company(actor)),
  );

  api.define(
    {
      method: "get",
      path: "/analytics/departments/{dept_id}",
      summary: "Department analytics",
      tags,
      permission: { action: "read", resource: "analytics" },
      request: { params: idParams("dept_id") },
      responses: { 200: { description: "The department's figures", schema: analyticsSchemas.DepartmentAnalytics } },
    },
    async ({ epca, actor, params }) => ok(await epca.analytics.department(actor, params.dept_id)),
  );

  api.define(
    {
      method: "get",
      path: "/analytics/employees/{emp_id}",
      summary: "Employee analytics",
      tags,
      permission: { action: "read", resource: "analytics" },
      request: { params: idParams("emp_id") },
      responses: { 200: { description: "The employee's figures", schema: analyticsSchemas.EmployeeAnalytics } },
    },
    async ({ epca, actor, params }) => ok(await epca.analytics.employee(actor, params.emp_id)),
  );

  api.define(
    {
      method: "get",
      path: "/analytics/projects/{proj_id}",
      summary: "Project analytics",
      tags,
      permission: { action: "read", resource: "analytics" },
      request: { params: idParams("proj_id") },
      responses: { 200: { description: "The project's figures", schema: analyticsSchemas.ProjectAnalytics } },
    },
    async ({ epca, actor, params }) => ok(await epca.analytics.project(actor, params.proj_id)),
  );

  api.define(
    {
      method: "get",
      path: "/analytics/top-performers",
      summary: "Top performing employees",
      description: "Employees without hours are left out of `productivity_index` rankings.",
      tags,
      permission: { action: "read", resource: "company_analytics" },
      request: {
        query: z.object({
          limit: rankingLimit.default(10),
          metric: employeeRankingMetricSchema.default("productivity_index"),
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
      tags,
      permission: { action: "read", resource: "company_analytics" },
      request: {
        query: z.object({
          limit: rankingLimit.default(10),
          metric: projectRankingMetricSchema.default("roi"),
        }),
      },
      responses: { 200: { description: "Ranked projects", schema: z.array(analyticsSchemas.ProjectRanking) } },
    },
    async ({ epca, actor, query }) => ok(await epca.analytics.topProjects(actor, query)),
  );
}

/** The `analytics` module. */
export const analyticsModule: ServerModule = {
  name: "analytics",
  tags: [{ name: "analytics", description: 'ROI, productivity and profitability figures (contract section 6); "Analytics Endpoints".' }],
  routes,
};
