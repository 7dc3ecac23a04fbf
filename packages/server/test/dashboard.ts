// The reads of the documented frontend's "Dashboard Analytics Component" (spec 000 section 6), as
// that component makes them: if one throws or yields NaN/undefined, the dashboard breaks.

/** What a `MetricCard`'s `trend` prop needs: the change against the previous period, numbers or null. */
function trendProp(trend: unknown): { previous: number | null; change: number | null; change_ratio: number | null } {
  if (trend === null || typeof trend !== "object") throw new Error(`trend is not an object: ${JSON.stringify(trend)}`);
  const t = trend as Record<string, unknown>;
  for (const key of ["previous", "change", "change_ratio"]) {
    if (!(key in t)) throw new Error(`trend lacks ${key}`);
    if (t[key] !== null && typeof t[key] !== "number") throw new Error(`trend.${key} is not a number`);
  }
  return t as never;
}

/** Every field the component touches, read the way it reads them; throws on what would break it. */
export function renderDashboardReads(analytics: any): {
  revenue: string;
  roi: string;
  employees: number;
  projects: number;
  revenueTrend: ReturnType<typeof trendProp>;
  roiTrend: ReturnType<typeof trendProp>;
  bars: { name: string; revenue: number; cost: number; profit: number }[];
  line: { month: string; revenue: number; cost: number; profit: number; hours: number }[];
} {
  const number = (v: unknown, what: string): number => {
    if (typeof v !== "number" || Number.isNaN(v)) throw new Error(`${what} is not a number: ${JSON.stringify(v)}`);
    return v;
  };
  const revenue = `$${number(analytics.total_revenue, "total_revenue").toLocaleString()}`;
  const roi = `${(number(analytics.roi, "roi") * 100).toFixed(2)}%`;
  if (!Array.isArray(analytics.department_metrics)) throw new Error("department_metrics is not an array");
  if (!Array.isArray(analytics.monthly_revenue)) throw new Error("monthly_revenue is not an array");
  return {
    revenue,
    roi,
    employees: number(analytics.employee_count, "employee_count"),
    projects: number(analytics.project_count, "project_count"),
    revenueTrend: trendProp(analytics.revenue_trend),
    roiTrend: trendProp(analytics.roi_trend),
    bars: analytics.department_metrics.map((d: any) => ({
      name: String(d.name),
      revenue: number(d.revenue, "department revenue"),
      cost: number(d.cost, "department cost"),
      profit: number(d.profit, "department profit"),
    })),
    line: analytics.monthly_revenue.map((p: any) => {
      if (!/^\d{4}-\d{2}$/.test(p.month)) throw new Error(`month ${p.month}`);
      return { month: p.month, revenue: number(p.revenue, "revenue"), cost: number(p.cost, "cost"), profit: number(p.profit, "profit"), hours: number(p.hours, "hours") };
    }),
  };
}
