/**
 * Forecasts: a department's or project's monthly history, the forecast and its interval computed in
 * the browser with `@epca/ml` (restricted to the server's deployed model type when the server names
 * one), the server's own figures beside it, and the backtest figures that say how far to trust it.
 * This page's code (and `@epca/ml`) loads only when the page is opened.
 */
import { forecast, MIN_HISTORY_MONTHS, type Forecast, type ForecastModelName } from "@epca/ml";
import { useMemo, useState } from "preact/hooks";
import { ApiError } from "../api.js";
import { Chart, type ChartSpec, type SeriesAnswer, type SeriesPoint } from "../charts.js";
import { currentCurrency, hours, money, num, pct } from "../format.js";
import { html } from "../html.js";
import { ErrorBox, Field, Loading, useApp, useLoad } from "../ui.js";
import { useDepartments } from "./shared.js";

type Figure = "revenue" | "cost" | "hours";
const FIGURES: { value: Figure; label: string }[] = [
  { value: "revenue", label: "Revenue" },
  { value: "cost", label: "Cost" },
  { value: "hours", label: "Hours" },
];

/** `predictions.<figure>` of `GET /predict/…` (contract section 7). */
export interface ServerFigure {
  readonly current: number | null;
  readonly predicted: number;
  readonly lower: number;
  readonly upper: number;
  readonly confidence: number;
  /** The model the server chose for this figure by backtest (e.g. `seasonal_naive`, `ridge`). */
  readonly model?: string;
  readonly points?: readonly { month: string; predicted: number; lower: number; upper: number }[];
}

/** The answer of `GET /predict/{department|project}/{id}`. */
export interface ServerPrediction {
  readonly horizon_months: number;
  readonly model: { readonly type?: string; readonly version?: string; readonly trained_at?: string; readonly samples?: number; readonly metrics?: Record<string, unknown> } & Record<string, unknown>;
  readonly predictions: Partial<Record<Figure | "roi", ServerFigure>>;
}

/** The value of one figure in a series point. */
export function figureValue(p: SeriesPoint, figure: Figure): number {
  return figure === "revenue" ? p.revenue : figure === "hours" ? p.hours : p.revenue - p.profit;
}

/** The last complete month before `today` (`YYYY-MM`): forecasts start after it, on server and browser alike. */
export function lastCompleteMonth(today = new Date()): string {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

function show(figure: Figure, v: number | null | undefined): string {
  return figure === "hours" ? hours(v) : money(v);
}

/** The forecast chart: history, forecast and the interval's bounds. */
function forecastSpec(history: readonly { month: string; value: number }[], f: Forecast, figure: Figure, title: string): ChartSpec {
  const months = [...history.map((h) => h.month), ...f.points.map((p) => p.month)];
  const unit = figure === "hours" ? "h" : currentCurrency();
  const pad = (n: number) => Array.from({ length: n }, () => null);
  const last = history[history.length - 1]?.value ?? null;
  return {
    kind: "line",
    orientation: "vertical",
    title,
    x: months,
    unit,
    series: [
      { name: "History", unit, axis: "left", values: [...history.map((h) => h.value), ...pad(f.points.length)] },
      { name: "Forecast", unit, axis: "left", values: [...pad(history.length - 1), last, ...f.points.map((p) => p.predicted)] },
      { name: `Lower (${pct(f.confidence, 0)})`, unit, axis: "left", values: [...pad(history.length), ...f.points.map((p) => p.lower)] },
      { name: `Upper (${pct(f.confidence, 0)})`, unit, axis: "left", values: [...pad(history.length), ...f.points.map((p) => p.upper)] },
    ],
  };
}

export default function ForecastsPage({ params }: { params: URLSearchParams }) {
  const { api } = useApp();
  const departments = useDepartments();
  const projects = useLoad(() => api.all<{ id: number; name: string }>("/projects/"), [api]);
  const [kind, setKind] = useState(params.get("kind") === "project" ? "project" : "department");
  const [id, setId] = useState(params.get("id") ?? "");
  const [figure, setFigure] = useState<Figure>("revenue");
  const [horizon, setHorizon] = useState("3");
  const asOf = lastCompleteMonth();
  const options = kind === "project" ? (projects.data ?? []) : (departments.data ?? []);
  const subject = id || String(options[0]?.id ?? "");
  const path = kind === "project" ? "projects" : "departments";

  const history = useLoad(async () => {
    if (!subject) return null;
    const to = new Date(Date.UTC(Number(asOf.slice(0, 4)), Number(asOf.slice(5, 7)), 0)).toISOString().slice(0, 10);
    const from = `${Number(asOf.slice(0, 4)) - 3}-${asOf.slice(5, 7)}-01`;
    return api.get<SeriesAnswer>(`/analytics/${path}/${subject}/series`, { from, to, interval: "month" }).then((a) => a.points);
  }, [api, path, subject, asOf]);
  const server = useLoad(async () => {
    if (!subject) return null;
    return api.get<ServerPrediction>(`/predict/${kind}/${subject}`, { horizon, as_of: asOf });
  }, [api, kind, subject, horizon, asOf]);

  // The model the server chose for this figure, so that the browser fits the same one.
  const serverType = server.data?.predictions?.[figure]?.model;
  const browser = useMemo(() => {
    if (!history.data) return null;
    // Months without activity are 0; leading months before the first activity are left out.
    const all = history.data.map((p) => ({ month: p.month, value: figureValue(p, figure) }));
    const first = all.findIndex((p) => p.value !== 0);
    const points = first < 0 ? [] : all.slice(first);
    try {
      const candidates = serverType ? [serverType as ForecastModelName] : undefined;
      return { points, result: forecast(points, { horizon: Number(horizon), asOf, nonNegative: true, ...(candidates ? { candidates } : {}) }), error: null };
    } catch (error) {
      return { points, result: null, error: error as Error };
    }
  }, [history.data, figure, horizon, asOf, serverType]);
  const serverFigure = server.data?.predictions?.[figure];
  const name = options.find((o) => String(o.id) === subject)?.name ?? "";
  const serverMissing = server.error instanceof ApiError && server.error.status === 404 && /not found|no route/i.test(server.error.detail) && !/department|project/i.test(server.error.detail);

  return html`<div class="page forecasts">
    <div class="page-head"><h1>Forecasts</h1></div>
    <form class="toolbar" onSubmit=${(e: Event) => e.preventDefault()} aria-label="Forecast options">
      <${Field} label="Of" name="kind" value=${kind} options=${[{ value: "department", label: "Department" }, { value: "project", label: "Project" }]} onInput=${(v: string) => (setKind(v), setId(""))} />
      <${Field} label=${kind === "project" ? "Project" : "Department"} name="subject" value=${subject} options=${options.map((o) => ({ value: String(o.id), label: o.name }))} onInput=${setId} />
      <${Field} label="Figure" name="figure" value=${figure} options=${FIGURES} onInput=${(v: string) => setFigure(v as Figure)} />
      <${Field} label="Months ahead" name="horizon" value=${horizon} options=${[1, 2, 3, 6, 12].map((h) => ({ value: String(h), label: String(h) }))} onInput=${setHorizon} />
    </form>
    <p class="muted">From the end of ${asOf}, on the monthly history of the last three years.</p>
    ${history.error ? html`<${ErrorBox} error=${history.error} />` : !history.data || !browser ? html`<${Loading} what="Loading the history" />` : html`
      <div class="charts-grid">
        <section class="card" aria-labelledby="fc-browser">
          <h2 id="fc-browser">Computed in your browser</h2>
          ${browser.error
            ? html`<p class="error" role="alert">${browser.error.message}${browser.points.length < MIN_HISTORY_MONTHS ? ` (${browser.points.length} months of history; ${MIN_HISTORY_MONTHS} needed)` : ""}</p>`
            : browser.result
              ? html`
                <${Chart} id="fc-chart" spec=${forecastSpec(browser.points.filter((p) => p.month <= asOf), browser.result, figure, `${name}: ${figure} history and forecast`)} />
                <dl class="figures" data-testid="browser-figures">
                  <div><dt>Next ${horizon} months</dt><dd data-value=${browser.result.totals.predicted}>${show(figure, browser.result.totals.predicted)}</dd></div>
                  <div><dt>${pct(browser.result.confidence, 0)} interval</dt><dd>${show(figure, browser.result.totals.lower)} – ${show(figure, browser.result.totals.upper)}</dd></div>
                  <div><dt>Model</dt><dd>${browser.result.model.type} ${browser.result.model.version}${serverType ? " (the server's)" : ""}</dd></div>
                </dl>
                <h3>Backtest: how far to trust it</h3>
                <dl class="figures" data-testid="backtest">
                  <div><dt>Accuracy (1 − MASE)</dt><dd>${pct(browser.result.model_accuracy)}</dd></div>
                  <div><dt>Mean absolute error</dt><dd>${show(figure, browser.result.model.holdout.mae)}</dd></div>
                  <div><dt>MASE</dt><dd>${num(browser.result.model.holdout.mase, 2)}</dd></div>
                  <div><dt>sMAPE</dt><dd>${browser.result.model.holdout.smape === null ? "—" : `${num(browser.result.model.holdout.smape, 1)}%`}</dd></div>
                  <div><dt>Backtest errors · origins</dt><dd>${browser.result.model.holdout.errors} · ${browser.result.model.backtest_origins}</dd></div>
                  <div><dt>History</dt><dd>${browser.result.model.samples} months</dd></div>
                </dl>`
              : null}
        </section>
        <section class="card" aria-labelledby="fc-server">
          <h2 id="fc-server">The server's forecast</h2>
          ${server.loading ? html`<${Loading} />` : serverMissing ? html`<p class="muted">This server has no prediction routes.</p>` : server.error ? html`<${ErrorBox} error=${server.error} />` : serverFigure ? html`
            <dl class="figures" data-testid="server-figures">
              <div><dt>Next ${server.data?.horizon_months ?? horizon} months</dt><dd data-value=${serverFigure.predicted}>${show(figure, serverFigure.predicted)}</dd></div>
              <div><dt>${pct(serverFigure.confidence, 0)} interval</dt><dd>${show(figure, serverFigure.lower)} – ${show(figure, serverFigure.upper)}</dd></div>
              <div><dt>Latest period</dt><dd>${show(figure, serverFigure.current)}</dd></div>
              <div><dt>Model</dt><dd>${serverType ?? "—"} ${server.data?.model?.version ?? ""}</dd></div>
              <div><dt>Trained</dt><dd>${server.data?.model?.trained_at ?? "—"}</dd></div>
            </dl>
            ${browser.result ? html`<p class="muted">Difference from the browser's total: ${show(figure, browser.result.totals.predicted - serverFigure.predicted)}.</p>` : null}`
          : html`<p class="muted">The server answered no ${figure} forecast.</p>`}
        </section>
      </div>`}
  </div>`;
}
