import { authorize } from "../policy/policy.js";
import { companyAnalytics } from "../metrics/company.js";
import { departmentAnalytics } from "../metrics/department.js";
import { employeeAnalytics } from "../metrics/employee.js";
import { projectAnalytics } from "../metrics/project.js";
import { rankEmployees, rankProjects } from "../metrics/rankings.js";
import { z } from "zod";
import { employeeRankingMetricSchema, projectRankingMetricSchema, rankingLimitSchema } from "../schemas/ranking.js";
import { assertRecordId, parseInput } from "./input.js";
import { found } from "./records.js";
import { inTenant, type UseCaseContext } from "./unit-of-work.js";
import type { AnalyticsUseCases } from "./types.js";

const employeeRankingQuery = z.object({
  metric: employeeRankingMetricSchema.default("productivity_index"),
  limit: rankingLimitSchema.default(10),
});
const projectRankingQuery = z.object({
  metric: projectRankingMetricSchema.default("roi"),
  limit: rankingLimitSchema.default(10),
});

/** Analytics: the store aggregates where the data lives, core's formulas turn sums into figures. */
export function analyticsUseCases(ctx: UseCaseContext): AnalyticsUseCases {
  const options = { standardAnnualHours: ctx.standardAnnualHours };
  return {
    async company(actor) {
      authorize(actor, "read", "company_analytics");
      return inTenant(ctx, actor, async (scope) => companyAnalytics(await scope.analytics.company()));
    },

    async department(actor, departmentId) {
      assertRecordId("department", departmentId);
      authorize(actor, "read", "analytics");
      return inTenant(ctx, actor, async (scope) =>
        departmentAnalytics(found(await scope.analytics.department(departmentId), "department", departmentId)),
      );
    },

    async employee(actor, employeeId) {
      assertRecordId("employee", employeeId);
      authorize(actor, "read", "analytics");
      return inTenant(ctx, actor, async (scope) =>
        employeeAnalytics(found(await scope.analytics.employee(employeeId), "employee", employeeId), options),
      );
    },

    async project(actor, projectId) {
      assertRecordId("project", projectId);
      authorize(actor, "read", "analytics");
      return inTenant(ctx, actor, async (scope) =>
        projectAnalytics(found(await scope.analytics.project(projectId), "project", projectId), options),
      );
    },

    async topPerformers(actor, query) {
      authorize(actor, "read", "company_analytics");
      const { metric, limit } = parseInput(employeeRankingQuery, query ?? {});
      return inTenant(ctx, actor, async (scope) =>
        rankEmployees(await scope.analytics.rankEmployees(metric, limit), metric, limit, options),
      );
    },

    async topProjects(actor, query) {
      authorize(actor, "read", "company_analytics");
      const { metric, limit } = parseInput(projectRankingQuery, query ?? {});
      return inTenant(ctx, actor, async (scope) =>
        rankProjects(await scope.analytics.rankProjects(metric, limit, ctx.standardAnnualHours), metric, limit, options),
      );
    },
  };
}
