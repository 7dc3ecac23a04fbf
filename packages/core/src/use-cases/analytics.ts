import { authorize } from "../policy/policy.js";
import { employeeAnalyticsForViewer, employeeRankingForViewer, seriesPointForViewer } from "../policy/pay.js";
import { companyAnalytics } from "../metrics/company.js";
import { departmentAnalytics } from "../metrics/department.js";
import { employeeAnalytics } from "../metrics/employee.js";
import { projectAnalytics } from "../metrics/project.js";
import { rankEmployees, rankProjects, topValues } from "../metrics/rankings.js";
import { hourlyCost, ratio, type MetricOptions } from "../metrics/ratio.js";
import {
  analyticsSeries,
  companySeriesFromMonths,
  lastTwelveMonths,
  previousPeriod,
  quarterly,
  seriesTotal,
  trend,
  type Period,
  type SeriesPoint,
} from "../metrics/period.js";
import { isoDay } from "../schemas/dates.js";
import { z } from "zod";
import { employeeRankingMetricSchema, projectRankingMetricSchema, rankingLimitSchema } from "../schemas/ranking.js";
import { analyticsPeriodSchema } from "../schemas/analytics.js";
import type {
  AnalyticsSeries,
  CompanyAnalytics,
  DepartmentAnalytics,
  DepartmentMetric,
  EmployeeAnalytics,
  EmployeeRanking,
  ProjectAnalytics,
  ProjectRanking,
} from "../schemas/analytics.js";
import type { AnalyticsSubject, EmployeeFact, PeriodFacts, ProjectFact } from "../ports/analytics-store.js";
import type { TenantScope } from "../ports/store.js";
import { assertRecordId, parseInput } from "./input.js";
import { found } from "./records.js";
import { inTenant, type UseCaseContext } from "./unit-of-work.js";
import type { AnalyticsPeriodInput, AnalyticsUseCases } from "./types.js";

const employeeRankingQuery = z.object({
  metric: employeeRankingMetricSchema.default("productivity_index"),
  limit: rankingLimitSchema.default(10),
});
const projectRankingQuery = z.object({
  metric: projectRankingMetricSchema.default("roi"),
  limit: rankingLimitSchema.default(10),
});
const seriesQuery = analyticsPeriodSchema.and(z.object({ interval: z.enum(["month", "quarter"]).default("month") }));

/** The earliest day an open-ended period (`to` without `from`) starts at. */
export const EARLIEST_DAY = "1970-01-01";

/**
 * The period of a call: `null` (all time) when neither end is given; otherwise an open start is
 * 1970-01-01 and an open end is today (UTC). `from` after `to` is a `ValidationError`.
 */
function periodOf(input: AnalyticsPeriodInput | undefined, today: string): Period | null {
  const parsed = parseInput(analyticsPeriodSchema, { from: input?.from, to: input?.to });
  if (parsed.from === undefined && parsed.to === undefined) return null;
  const period = { from: parsed.from ?? EARLIEST_DAY, to: parsed.to ?? today };
  // An open end may fall before the given start (a `from` in the future): still in order.
  return parseInput(analyticsPeriodSchema, period) as Period;
}

/** Facts restricted to one department (members and projects); buckets stay, the series picks its own. */
function departmentFacts(facts: PeriodFacts, departmentId: number): PeriodFacts {
  return {
    buckets: facts.buckets,
    employees: facts.employees.filter((e) => e.department_id === departmentId),
    projects: facts.projects.filter((p) => p.department_id === departmentId),
  };
}

/** A series as the answer shows it: each point, or grouped by quarter. */
function intervalPoints(points: SeriesPoint[], interval: "month" | "quarter"): SeriesPoint[] {
  return interval === "quarter" ? quarterly(points) : points;
}

/** The period figures of every employee of `facts`, in employee id order (buckets grouped once). */
function employeesOverPeriod(facts: PeriodFacts, period: Period, options: MetricOptions): EmployeeAnalytics[] {
  const buckets = new Map<number, PeriodFacts["buckets"][number][]>();
  for (const b of facts.buckets) {
    if (b.employee_id === null) continue; // facts asked for by employee have none
    const list = buckets.get(b.employee_id);
    if (list) list.push(b);
    else buckets.set(b.employee_id, [b]);
  }
  return facts.employees.map((e) =>
    employeeOverPeriod(e, { buckets: buckets.get(e.employee_id) ?? [], employees: [e], projects: [] }, period, options),
  );
}

/** An employee's figures over a period (docs/metrics.md). */
function employeeOverPeriod(e: EmployeeFact, facts: PeriodFacts, period: Period, options: MetricOptions): EmployeeAnalytics {
  const total = seriesTotal(analyticsSeries(facts, { kind: "employee", id: e.employee_id }, period, options));
  return {
    employee_id: e.employee_id,
    name: e.name,
    department_id: e.department_id,
    revenue: total.revenue,
    cost: total.cost,
    profit: total.profit,
    roi: total.roi,
    total_hours: total.hours,
    productivity_index: total.productivity_index,
    hourly_cost: hourlyCost(e.salary, options.standardAnnualHours),
    labour_cost: total.labour_cost,
    period: { from: period.from, to: period.to },
  };
}

/** The period figures of every project of `facts`, in project id order. */
function projectsOverPeriod(facts: PeriodFacts, period: Period, options: MetricOptions): ProjectAnalytics[] {
  const buckets = new Map<number, PeriodFacts["buckets"][number][]>();
  for (const b of facts.buckets) {
    const list = buckets.get(b.project_id);
    if (list) list.push(b);
    else buckets.set(b.project_id, [b]);
  }
  return facts.projects.map((p) =>
    projectOverPeriod(p, { buckets: buckets.get(p.project_id) ?? [], employees: [], projects: [p] }, period, options),
  );
}

/** A project's figures over a period. */
function projectOverPeriod(p: ProjectFact, facts: PeriodFacts, period: Period, options: MetricOptions): ProjectAnalytics {
  const total = seriesTotal(analyticsSeries(facts, { kind: "project", id: p.project_id }, period, options));
  return {
    project_id: p.project_id,
    name: p.name,
    department_id: p.department_id,
    status: p.status,
    completion_percentage: p.completion_percentage,
    revenue: total.revenue,
    direct_cost: total.direct_cost,
    labour_cost: total.labour_cost,
    total_cost: total.cost,
    profit: total.profit,
    roi: total.roi,
    total_hours: total.hours,
    productivity_index: total.productivity_index,
    period: { from: period.from, to: period.to },
  };
}

/** The department metrics of the dashboard from a department's figures. */
function departmentMetric(d: DepartmentAnalytics): DepartmentMetric {
  return {
    department_id: d.department_id,
    name: d.name,
    revenue: d.total_revenue,
    cost: d.total_cost,
    profit: d.profit,
    roi: d.roi,
    productivity_index: d.productivity_index,
    budget_utilization: d.budget_utilization,
  };
}

/** Every department of the tenant, in id order (paged through the repository). */
async function allDepartments(scope: TenantScope): Promise<{ id: number; name: string; budget: number }[]> {
  const out: { id: number; name: string; budget: number }[] = [];
  for (let skip = 0; ; skip += 1000) {
    const page = await scope.departments.list({}, { skip, limit: 1000 });
    out.push(...page.items);
    if (page.items.length < 1000) return out;
  }
}

/** Analytics: the store aggregates where the data lives, core's formulas turn sums into figures. */
export function analyticsUseCases(ctx: UseCaseContext): AnalyticsUseCases {
  const options = { standardAnnualHours: ctx.standardAnnualHours };
  const today = () => isoDay(ctx.clock.now());

  /** The company's series and total over a period. */
  async function companyOver(scope: TenantScope, period: Period, byEmployee = false) {
    // Per employee only when departments are computed from the same facts (their members' hours).
    const facts = await scope.analytics.periodFacts({ kind: "company" }, period, byEmployee ? { byEmployee } : undefined);
    const points = analyticsSeries(facts, { kind: "company" }, period, options);
    return { facts, points, total: seriesTotal(points) };
  }

  /** A department's figures over a period, from facts that include it. */
  function departmentOver(
    agg: { department_id: number; name: string; budget: number; employee_count: number; project_count: number },
    facts: PeriodFacts,
    period: Period,
  ): DepartmentAnalytics {
    const subject = { kind: "department", id: agg.department_id } as const;
    const total = seriesTotal(analyticsSeries(departmentFacts(facts, agg.department_id), subject, period, options));
    return {
      department_id: agg.department_id,
      name: agg.name,
      budget: agg.budget,
      employee_count: agg.employee_count,
      project_count: agg.project_count,
      total_revenue: total.revenue,
      total_cost: total.cost,
      profit: total.profit,
      roi: total.roi,
      total_hours: total.hours,
      productivity_index: total.productivity_index,
      budget_utilization: ratio(total.cost, agg.budget),
      period: { from: period.from, to: period.to },
    };
  }

  return {
    async company(actor, input) {
      authorize(actor, "read", "company_analytics");
      const period = periodOf(input, today());
      return inTenant(ctx, actor, async (scope): Promise<CompanyAnalytics> => {
        const counts = companyAnalytics(await scope.analytics.company());
        const twelve = lastTwelveMonths(period?.to ?? today());
        const monthly = await companyOver(scope, twelve);
        if (period === null) {
          const departments = await allDepartments(scope);
          const metrics: DepartmentMetric[] = [];
          for (const d of departments) {
            const agg = await scope.analytics.department(d.id);
            if (agg) metrics.push(departmentMetric(departmentAnalytics(agg)));
          }
          // All-time figures have no previous period: the trends compare the trailing 12 months
          // (those of monthly_revenue) with the 12 months before them.
          const before = await companyOver(scope, previousPeriod(twelve));
          return {
            ...counts,
            department_metrics: metrics,
            monthly_revenue: monthly.points,
            revenue_trend: trend(monthly.total.revenue, before.total.revenue),
            roi_trend: trend(monthly.total.roi, before.total.roi),
          };
        }
        const current = await companyOver(scope, period, true);
        const previous = await companyOver(scope, previousPeriod(period));
        const departments = await allDepartments(scope);
        const metrics = departments.map((d) =>
          departmentMetric(
            departmentOver(
              {
                department_id: d.id,
                name: d.name,
                budget: d.budget,
                employee_count: current.facts.employees.filter((e) => e.department_id === d.id).length,
                project_count: current.facts.projects.filter((p) => p.department_id === d.id).length,
              },
              current.facts,
              period,
            ),
          ),
        );
        const t = current.total;
        return {
          department_count: counts.department_count,
          employee_count: counts.employee_count,
          project_count: counts.project_count,
          total_revenue: t.revenue,
          total_cost: t.cost,
          profit: t.profit,
          roi: t.roi,
          productivity_index: t.productivity_index,
          total_hours: t.hours,
          period: { from: period.from, to: period.to },
          department_metrics: metrics,
          monthly_revenue: monthly.points,
          revenue_trend: trend(t.revenue, previous.total.revenue),
          roi_trend: trend(t.roi, previous.total.roi),
        };
      });
    },

    async department(actor, departmentId, input) {
      assertRecordId("department", departmentId);
      authorize(actor, "read", "analytics");
      const period = periodOf(input, today());
      return inTenant(ctx, actor, async (scope) => {
        const agg = found(await scope.analytics.department(departmentId), "department", departmentId);
        if (period === null) return departmentAnalytics(agg);
        const facts = await scope.analytics.periodFacts({ kind: "department", id: departmentId }, period);
        return departmentOver(agg, facts, period);
      });
    },

    async employee(actor, employeeId, input) {
      assertRecordId("employee", employeeId);
      authorize(actor, "read", "analytics");
      const period = periodOf(input, today());
      return inTenant(ctx, actor, async (scope) => {
        const agg = found(await scope.analytics.employee(employeeId), "employee", employeeId);
        if (period === null) return employeeAnalyticsForViewer(actor, employeeAnalytics(agg, options));
        const facts = await scope.analytics.periodFacts({ kind: "employee", id: employeeId }, period);
        const fact = found(facts.employees[0] ?? null, "employee", employeeId);
        return employeeAnalyticsForViewer(actor, employeeOverPeriod(fact, facts, period, options));
      });
    },

    async project(actor, projectId, input) {
      assertRecordId("project", projectId);
      authorize(actor, "read", "analytics");
      const period = periodOf(input, today());
      return inTenant(ctx, actor, async (scope) => {
        const agg = found(await scope.analytics.project(projectId), "project", projectId);
        if (period === null) return projectAnalytics(agg, options);
        const facts = await scope.analytics.periodFacts({ kind: "project", id: projectId }, period);
        const fact = found(facts.projects[0] ?? null, "project", projectId);
        return projectOverPeriod(fact, facts, period, options);
      });
    },

    async topPerformers(actor, query) {
      authorize(actor, "read", "company_analytics");
      const { metric, limit } = parseInput(employeeRankingQuery, { metric: query?.metric, limit: query?.limit });
      const period = periodOf(query, today());
      return inTenant(ctx, actor, async (scope) => {
        let ranked: EmployeeRanking[];
        if (period === null) {
          ranked = rankEmployees(await scope.analytics.rankEmployees(metric, limit), metric, limit, options);
        } else {
          const facts = await scope.analytics.periodFacts({ kind: "company" }, period, { byEmployee: true });
          const figures = employeesOverPeriod(facts, period, options);
          const value = (a: EmployeeAnalytics): number | null =>
            metric === "revenue_generated" ? a.revenue : metric === "roi" ? (a.roi ?? null) : a.productivity_index;
          ranked = topValues(figures, (a) => a.employee_id, value, limit).map(({ item, value: v }, i) => ({
            ...item,
            rank: i + 1,
            metric,
            value: v,
          }));
        }
        return employeeRankingForViewer(actor, ranked);
      });
    },

    async topProjects(actor, query) {
      authorize(actor, "read", "company_analytics");
      const { metric, limit } = parseInput(projectRankingQuery, { metric: query?.metric, limit: query?.limit });
      const period = periodOf(query, today());
      return inTenant(ctx, actor, async (scope): Promise<ProjectRanking[]> => {
        if (period === null) {
          return rankProjects(await scope.analytics.rankProjects(metric, limit, ctx.standardAnnualHours), metric, limit, options);
        }
        const facts = await scope.analytics.periodFacts({ kind: "company" }, period);
        const figures = projectsOverPeriod(facts, period, options);
        return topValues(figures, (a) => a.project_id, (a) => a[metric], limit).map(({ item, value }, i) => ({
          ...item,
          rank: i + 1,
          metric,
          value,
        }));
      });
    },

    async series(actor, subject, query) {
      if (subject.kind !== "company") assertRecordId(subject.kind, subject.id);
      authorize(actor, "read", subject.kind === "company" ? "company_analytics" : "analytics");
      const parsed = parseInput(seriesQuery, { from: query?.from, to: query?.to, interval: query?.interval });
      const to = parsed.to ?? today();
      const period = periodOf({ from: parsed.from ?? lastTwelveMonths(to).from, to }, to) as Period;
      return inTenant(ctx, actor, async (scope): Promise<AnalyticsSeries> => {
        await assertSubjectExists(scope, subject);
        if (subject.kind === "company") {
          // The company's sums per month, summed where the data lives (rollups on PostgreSQL).
          const points = intervalPoints(companySeriesFromMonths(await scope.analytics.companyMonths(period), options), parsed.interval);
          return { from: period.from, to: period.to, interval: parsed.interval, points, total: seriesTotal(points) };
        }
        const facts = await scope.analytics.periodFacts(subject, period);
        let points = intervalPoints(analyticsSeries(facts, subject, period, options), parsed.interval);
        let total = seriesTotal(points);
        if (subject.kind === "employee") {
          const owner = found(facts.employees[0] ?? null, "employee", subject.id);
          const who = { id: owner.employee_id, department_id: owner.department_id };
          points = points.map((p) => seriesPointForViewer(actor, who, p));
          total = seriesPointForViewer(actor, who, total);
        }
        return { from: period.from, to: period.to, interval: parsed.interval, points, total };
      });
    },
  };
}

/** `NotFoundError` when the subject of a series does not exist. */
async function assertSubjectExists(scope: TenantScope, subject: AnalyticsSubject): Promise<void> {
  switch (subject.kind) {
    case "company":
      return;
    case "department":
      found(await scope.analytics.department(subject.id), "department", subject.id);
      return;
    case "employee":
      found(await scope.analytics.employee(subject.id), "employee", subject.id);
      return;
    case "project":
      found(await scope.analytics.project(subject.id), "project", subject.id);
      return;
  }
}
