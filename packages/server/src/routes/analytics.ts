import { employeeRankingMetricSchema, projectRankingMetricSchema, rankingLimitSchema } from "@epca/core";
import { z } from "zod";
import type { RouteTable } from "../http/define-route.js";
import { idParams, integerFromString } from "../http/params.js";
import { ok } from "../http/replies.js";
import {
  companyAnalyticsSchema,
  departmentAnalyticsSchema,
  employeeAnalyticsSchema,
  employeeRankingSchema,
  projectAnalyticsSchema,
  projectRankingSchema,
} from "../openapi/schemas.js";

const tags = ["analytics"];
/** `limit` of the rankings: a query string, coerced to a number and held to core's bounds. */
const rankingLimit = z.preprocess(integerFromString, rankingLimitSchema);

/** `/analytics`: spec 000 section 4, "Analytics Endpoints"; formulas in contract section 6. */
export function analyticsRoutes(api: RouteTable): void {
  api.define(
    {
      method: "get",
      path: "/analytics/company",
      summary: "Company-wide analytics",
      tags,
      permission: { action: "read", resource: "company_analytics" },
      responses: { 200: { description: "The company's figures", schema: companyAnalyticsSchema } },
    },
    async ({ services, actor }) => ok(await services.epca.analytics.company(actor)),
  );

  api.define(
    {
      method: "get",
      path: "/analytics/departments/{dept_id}",
      summary: "Department analytics",
      tags,
      permission: { action: "read", resource: "analytics" },
      request: { params: idParams("dept_id") },
      responses: { 200: { description: "The department's figures", schema: departmentAnalyticsSchema } },
    },
    async ({ services, actor, params }) => ok(await services.epca.analytics.department(actor, params.dept_id)),
  );

  api.define(
    {
      method: "get",
      path: "/analytics/employees/{emp_id}",
      summary: "Employee analytics",
      tags,
      permission: { action: "read", resource: "analytics" },
      request: { params: idParams("emp_id") },
      responses: { 200: { description: "The employee's figures", schema: employeeAnalyticsSchema } },
    },
    async ({ services, actor, params }) => ok(await services.epca.analytics.employee(actor, params.emp_id)),
  );

  api.define(
    {
      method: "get",
      path: "/analytics/projects/{proj_id}",
      summary: "Project analytics",
      tags,
      permission: { action: "read", resource: "analytics" },
      request: { params: idParams("proj_id") },
      responses: { 200: { description: "The project's figures", schema: projectAnalyticsSchema } },
    },
    async ({ services, actor, params }) => ok(await services.epca.analytics.project(actor, params.proj_id)),
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
      responses: { 200: { description: "Ranked employees", schema: z.array(employeeRankingSchema) } },
    },
    async ({ services, actor, query }) => ok(await services.epca.analytics.topPerformers(actor, query)),
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
      responses: { 200: { description: "Ranked projects", schema: z.array(projectRankingSchema) } },
    },
    async ({ services, actor, query }) => ok(await services.epca.analytics.topProjects(actor, query)),
  );
}
