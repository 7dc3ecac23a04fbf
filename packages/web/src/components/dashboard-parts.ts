/**
 * The dashboard's cards and charts, used by the app's dashboard and by the embeddable widgets.
 * Each takes the API client as a prop (no app context), so a widget can run on any page.
 */
import type { Api } from "../api.js";
import { Chart, departmentRoiSpec, monthlyTrendSpec, type SeriesAnswer, type SeriesPoint } from "../charts.js";
import { currentCurrency, hours, money, num, pct } from "../format.js";
import { html } from "../html.js";
import { useLayoutEffect } from "preact/hooks";
import { ErrorBox, Loading, useLoad } from "../ui.js";

/** `{previous, change, change_ratio}` against the previous period of the same length. */
export interface Trend {
  readonly previous: number | null;
  readonly change: number | null;
  readonly change_ratio: number | null;
}

/** What `/analytics/company` answers (the parts the dashboard reads). */
export interface CompanyAnalytics {
  readonly department_count: number;
  readonly employee_count: number;
  readonly project_count: number;
  readonly total_revenue: number;
  readonly total_cost: number;
  readonly profit: number;
  readonly roi: number | null;
  readonly productivity_index: number | null;
  readonly total_hours: number;
  readonly department_metrics: readonly { department_id: number; name: string; revenue: number; cost: number; profit: number; roi: number | null; productivity_index: number | null; budget_utilization: number | null }[];
  readonly monthly_revenue: readonly SeriesPoint[];
  readonly revenue_trend: Trend | null;
  readonly roi_trend: Trend | null;
}

/** What `/analytics/departments/{id}` answers. */
export interface DepartmentAnalytics {
  readonly department_id: number;
  readonly name: string;
  readonly budget: number;
  readonly employee_count: number;
  readonly project_count: number;
  readonly total_revenue: number;
  readonly total_cost: number;
  readonly profit: number;
  readonly roi: number | null;
  readonly total_hours: number;
  readonly productivity_index: number | null;
  readonly budget_utilization: number | null;
}

/** A period (inclusive ISO dates); empty means the API's default. */
export interface Period {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

function periodQuery(period: Period) {
  return { from: period.from, to: period.to };
}

/** The period of the same length just before `period` (for trends the API does not answer itself). */
export function previousPeriod(period: Period): Period | null {
  if (!period.from || !period.to) return null;
  const from = Date.parse(`${period.from}T00:00:00Z`);
  const to = Date.parse(`${period.to}T00:00:00Z`);
  const days = Math.round((to - from) / 86_400_000) + 1;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(from - days * 86_400_000), to: iso(from - 86_400_000) };
}

/** A trend as an arrow and a percentage, with words for screen readers. */
export function TrendBadge({ trend, label, ratio = true, format }: { trend: Trend | null | undefined; label: string; ratio?: boolean; format?: (v: number) => string }) {
  if (!trend || trend.change === null) return html`<span class="trend flat">no earlier period</span>`;
  const up = trend.change > 0;
  const flat = trend.change === 0;
  const shown = ratio && trend.change_ratio !== null ? pct(trend.change_ratio) : label === "ROI" ? `${num(trend.change * 100, 1)} pts` : (format ?? ((v: number) => num(v, 0)))(trend.change);
  return html`<span class=${`trend ${flat ? "flat" : up ? "up" : "down"}`}>
    <span aria-hidden="true">${flat ? "→" : up ? "▲" : "▼"}</span>
    <span class="sr-only">${label} ${flat ? "unchanged" : up ? "up" : "down"} </span>${up ? "+" : ""}${shown} vs previous period
  </span>`;
}

/** One key figure. */
export function MetricCard({ title, value, trend, trendLabel, ratio, format }: { title: string; value: string; trend?: Trend | null; trendLabel?: string; ratio?: boolean; format?: (v: number) => string }) {
  return html`<section class="metric card" aria-label=${title}>
    <h3>${title}</h3>
    <p class="value">${value}</p>
    ${trend !== undefined ? html`<${TrendBadge} trend=${trend} label=${trendLabel ?? title} ratio=${ratio ?? true} format=${format} />` : null}
  </section>`;
}

/** The company's key figures with trends (`/analytics/company`). */
export function CompanyFigures({ data }: { data: CompanyAnalytics }) {
  return html`<div class="metrics-grid">
    <${MetricCard} title="Total revenue" value=${money(data.total_revenue)} trend=${data.revenue_trend} trendLabel="Revenue" format=${(v: number) => money(v)} />
    <${MetricCard} title="ROI" value=${pct(data.roi)} trend=${data.roi_trend} trendLabel="ROI" ratio=${false} />
    <${MetricCard} title="Total cost" value=${money(data.total_cost)} />
    <${MetricCard} title="Profit" value=${money(data.profit)} />
    <${MetricCard} title="Hours logged" value=${hours(data.total_hours)} />
    <${MetricCard} title="Revenue per hour" value=${money(data.productivity_index)} />
    <${MetricCard} title="Employees" value=${num(data.employee_count, 0)} />
    <${MetricCard} title="Active projects" value=${num(data.project_count, 0)} />
  </div>`;
}

/**
 * True when `/analytics/company`'s `monthly_revenue` (the 12 months ending with the month of `to`,
 * up to `to`) is the period's own monthly series: the period starts on the first day of the 11th
 * month before `to`'s (the dashboard's default "last 12 months" does). Then the chart needs no
 * `/analytics/company/series` request of its own.
 */
export function monthlyRevenueCovers(period: Period): boolean {
  if (!period.from || !period.to || !/^\d{4}-\d{2}-\d{2}$/.test(period.to)) return false;
  const y = Number(period.to.slice(0, 4));
  const m = Number(period.to.slice(5, 7)) - 1;
  return period.from === new Date(Date.UTC(y, m - 11, 1)).toISOString().slice(0, 10);
}

/**
 * The company dashboard as one block: figures, ROI bars and the monthly lines. `onSettled` is
 * called once the figures have arrived (or failed), as `DepartmentCard`'s.
 */
export function CompanyDashboard({ api, period, idPrefix = "company", onSettled }: { api: Api; period: Period; idPrefix?: string; onSettled?: () => void }) {
  // `onSettled` in the same turn as the answer: whatever waits for it renders with the figures.
  const company = useLoad(() => api.get<CompanyAnalytics>("/analytics/company", periodQuery(period)).finally(() => onSettled?.()), [api, period.from, period.to]);
  // The period's own series only when `monthly_revenue` is not already it (one request less by default).
  const ownSeries = !monthlyRevenueCovers(period);
  const series = useLoad(
    () => (ownSeries ? api.get<SeriesAnswer>("/analytics/company/series", { ...periodQuery(period), interval: "month" }).then((a) => a.points) : Promise.resolve(null)),
    [api, period.from, period.to, ownSeries],
  );
  if (company.error) return html`<${ErrorBox} error=${company.error} />`;
  if (!company.data) return html`<${Loading} what="Loading the company figures" />`;
  const points = series.data ?? company.data.monthly_revenue;
  return html`<div class="company-dashboard">
    <${CompanyFigures} data=${company.data} />
    <div class="charts-grid">
      <section class="card"><${Chart} id=${`${idPrefix}-roi`} spec=${departmentRoiSpec(company.data.department_metrics)} /></section>
      <section class="card"><${Chart} id=${`${idPrefix}-trend`} spec=${monthlyTrendSpec(points, currentCurrency())} /></section>
    </div>
  </div>`;
}

/**
 * One department's card: its figures (and trends when the period has a predecessor) and its monthly
 * lines. `onSettled` is called once its figures and lines have arrived (or failed): the dashboard
 * asks for the other departments only then, so that on a server answering one request at a time
 * (the embedded PGlite store) the user's own department comes first.
 */
export function DepartmentCard({
  api,
  departmentId,
  period,
  showSeries = true,
  highlight = false,
  onSettled,
}: {
  api: Api;
  departmentId: number;
  period: Period;
  showSeries?: boolean;
  highlight?: boolean;
  onSettled?: () => void;
}) {
  // Trends (a second request, for the previous period) on the highlighted card and on a widget only;
  // the other cards show none rather than "no earlier period" for a period they did not ask about.
  const prev = highlight || showSeries ? previousPeriod(period) : null;
  const data = useLoad(
    async () => {
      const [now, before] = await Promise.all([
        api.get<DepartmentAnalytics>(`/analytics/departments/${departmentId}`, periodQuery(period)),
        prev ? api.get<DepartmentAnalytics>(`/analytics/departments/${departmentId}`, periodQuery(prev)).catch(() => null) : Promise.resolve(null),
      ]);
      return { now, before };
    },
    [api, departmentId, period.from, period.to],
  );
  const series = useLoad(
    () => (showSeries ? api.get<SeriesAnswer>(`/analytics/departments/${departmentId}/series`, { ...periodQuery(period), interval: "month" }).then((a) => a.points) : Promise.resolve([])),
    [api, departmentId, period.from, period.to, showSeries],
  );
  const settled = !data.loading && !series.loading;
  // Before the frame is painted: what waits for this card starts in the same frame.
  useLayoutEffect(() => {
    if (settled) onSettled?.();
  }, [settled]);
  if (data.error) return html`<section class="card"><${ErrorBox} error=${data.error} /></section>`;
  if (!data.data) return html`<section class="card"><${Loading} what="Loading the department" /></section>`;
  const { now, before } = data.data;
  const trend = (a: number | null, b: number | null | undefined): Trend | null =>
    b === undefined || b === null || a === null ? null : { previous: b, change: a - b, change_ratio: b === 0 ? null : (a - b) / Math.abs(b) };
  return html`<section class=${`card department-card${highlight ? " highlight" : ""}`} aria-labelledby=${`dep-${departmentId}-title`}>
    <h3 id=${`dep-${departmentId}-title`}>${now.name}${highlight ? html` <span class="badge">Your department</span>` : null}</h3>
    <dl class="figures">
      <div><dt>Revenue</dt><dd>${money(now.total_revenue)} ${prev ? html`<${TrendBadge} trend=${trend(now.total_revenue, before?.total_revenue)} label="Revenue" format=${(v: number) => money(v)} />` : null}</dd></div>
      <div><dt>Cost</dt><dd>${money(now.total_cost)}</dd></div>
      <div><dt>Profit</dt><dd>${money(now.profit)}</dd></div>
      <div><dt>ROI</dt><dd>${pct(now.roi)} ${prev ? html`<${TrendBadge} trend=${trend(now.roi, before?.roi)} label="ROI" ratio=${false} />` : null}</dd></div>
      <div><dt>Hours</dt><dd>${hours(now.total_hours)}</dd></div>
      <div><dt>Budget used</dt><dd>${pct(now.budget_utilization)} of ${money(now.budget)}</dd></div>
      <div><dt>People · projects</dt><dd>${now.employee_count} · ${now.project_count}</dd></div>
    </dl>
    ${showSeries && series.data && series.data.length > 0
      ? html`<${Chart} id=${`dep-${departmentId}-trend`} spec=${monthlyTrendSpec(series.data, currentCurrency(), `${now.name}: monthly revenue, cost and hours`)} />`
      : null}
  </section>`;
}

/** A ranked employee (`/analytics/top-performers`). */
export interface Performer {
  readonly employee_id: number;
  readonly name: string;
  readonly department_id: number;
  readonly revenue: number;
  readonly total_hours: number;
  readonly productivity_index: number | null;
  readonly roi?: number | null;
  readonly rank: number;
}

/** A ranked project (`/analytics/top-projects`). */
export interface RankedProject {
  readonly project_id: number;
  readonly name: string;
  readonly status: string;
  readonly revenue: number;
  readonly profit: number;
  readonly roi: number | null;
  readonly completion_percentage: number;
  readonly rank: number;
}

/** The top performers and top projects of the period. */
export function Rankings({ api, period, limit = 5 }: { api: Api; period: Period; limit?: number }) {
  const performers = useLoad(() => api.get<Performer[]>("/analytics/top-performers", { ...periodQuery(period), limit, metric: "productivity_index" }), [api, period.from, period.to]);
  const projects = useLoad(() => api.get<RankedProject[]>("/analytics/top-projects", { ...periodQuery(period), limit, metric: "roi" }), [api, period.from, period.to]);
  return html`<div class="charts-grid">
    <section class="card" aria-labelledby="top-people">
      <h3 id="top-people">Top performers (revenue per hour)</h3>
      ${performers.error ? html`<${ErrorBox} error=${performers.error} />` : !performers.data ? html`<${Loading} />` : html`<ol class="ranking">
        ${performers.data.map((p) => html`<li><span class="rank">${p.rank}</span><span class="name">${p.name}</span><span class="num">${money(p.productivity_index)}/h</span></li>`)}
      </ol>`}
    </section>
    <section class="card" aria-labelledby="top-projects">
      <h3 id="top-projects">Top projects (ROI)</h3>
      ${projects.error ? html`<${ErrorBox} error=${projects.error} />` : !projects.data ? html`<${Loading} />` : html`<ol class="ranking">
        ${projects.data.map((p) => html`<li><span class="rank">${p.rank}</span><span class="name">${p.name}</span><span class="num">${pct(p.roi)}</span></li>`)}
      </ol>`}
    </section>
  </div>`;
}
