import { systemActor, type Actor, type AnalyticsSubject, type Epca } from "@epca/core";
import {
  addMonths,
  forecast,
  FORECAST_MODEL_VERSION,
  InsufficientHistoryError,
  MIN_HISTORY_MONTHS,
  monthIndex,
  monthString,
  predictionFigure,
  recommend,
  roiForecast,
  type Forecast,
  type Recommendation,
  type RecommendationInput,
} from "@epca/ml";
import { forecastModelUseCases, type DeployedForecastSelection } from "@epca/ml/use-cases";
import { z } from "zod";
import { RequestValidationError } from "../http/errors.js";
import type { ModuleJob, ServerModule } from "../http/module.js";
import { named } from "../http/openapi.js";
import { idParams, integerFromString } from "../http/params.js";
import { API_BASE_PATH, ok } from "../http/replies.js";
import type { RouteTable } from "../http/route-table.js";

const tags = ["predictions"];

/** Months of history read before the origin (at most): five years. */
export const PREDICTION_LOOKBACK_MONTHS = 60;
/** `POST /predict/train` answers at once for at most this many departments; more run as a job (202). */
export const PREDICT_TRAIN_SYNC_LIMIT = 10;
/** The figures forecast for every subject. */
export const FORECAST_FIGURES = ["hours", "cost", "revenue", "profit"] as const;
type Figure = (typeof FORECAST_FIGURES)[number];

/** One month of a subject's history as known at the origin. */
export interface HistoryMonth {
  readonly month: string;
  readonly hours: number;
  readonly cost: number;
  readonly revenue: number;
  readonly profit: number;
}

type SubjectKind = "company" | "department" | "employee" | "project";
type Subject = { kind: "company" } | { kind: Exclude<SubjectKind, "company">; id: number };

const lastDay = (month: string) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

/** The last complete month (the month before today, UTC): the default origin. */
export function defaultAsOf(now: Date = new Date()): string {
  return monthString(now.getUTCFullYear() * 12 + now.getUTCMonth() - 1);
}

/** Every project whose revenue and direct cost the subject recognises. */
async function projectsOf(epca: Epca, actor: Actor, subject: Subject): Promise<{ id: number; revenue: number; cost: number }[]> {
  if (subject.kind === "employee") return [];
  if (subject.kind === "project") {
    const p = await epca.projects.get(actor, subject.id);
    return [{ id: p.id, revenue: p.revenue, cost: p.cost }];
  }
  const out: { id: number; revenue: number; cost: number }[] = [];
  for (let skip = 0; ; skip += 1000) {
    const page =
      subject.kind === "department"
        ? await epca.departments.projects(actor, subject.id, { skip, limit: 1000 })
        : await epca.projects.list(actor, {}, { skip, limit: 1000 });
    out.push(...page.items.map((p) => ({ id: p.id, revenue: p.revenue, cost: p.cost })));
    if (skip + 1000 >= page.total) return out;
  }
}

/**
 * The monthly history of a subject as it was known at the end of `asOf`: hours, cost, revenue
 * and profit of every month up to `asOf` (at most {@link PREDICTION_LOOKBACK_MONTHS}), starting
 * at the first month with hours or revenue. Nothing dated after `asOf` is read: the series stop at
 * its last day, and project revenue and direct cost, which core spreads over a project's hours of
 * all time, are spread here over its hours up to `asOf` (docs/forecasting.md, "The prediction routes").
 */
export async function subjectHistory(epca: Epca, actor: Actor, subject: Subject, asOf: string): Promise<HistoryMonth[]> {
  const from = `${addMonths(asOf, -(PREDICTION_LOOKBACK_MONTHS - 1))}-01`;
  const to = lastDay(asOf);
  const analyticsSubject: AnalyticsSubject = subject.kind === "company" ? { kind: "company" } : { kind: subject.kind, id: subject.id };
  const series = await epca.analytics.series(actor, analyticsSubject, { from, to, interval: "month" });
  const months = series.points.map((p) => p.month);
  const recognised = new Map<string, { revenue: number; direct: number }>(months.map((m) => [m, { revenue: 0, direct: 0 }]));
  for (const project of await projectsOf(epca, actor, subject)) {
    const known = await epca.analytics.project(actor, project.id, { to });
    if (!(known.total_hours > 0)) continue;
    const own = subject.kind === "project" ? series : await epca.analytics.series(actor, { kind: "project", id: project.id }, { from, to, interval: "month" });
    for (const point of own.points) {
      const slot = recognised.get(point.month);
      if (!slot) continue;
      slot.revenue += (project.revenue * point.hours) / known.total_hours;
      slot.direct += (project.cost * point.hours) / known.total_hours;
    }
  }
  const history = series.points.map((p): HistoryMonth => {
    const slot = recognised.get(p.month)!;
    const revenue = subject.kind === "employee" ? p.revenue : slot.revenue;
    const cost =
      subject.kind === "employee"
        ? (p.salary_cost ?? p.cost ?? 0)
        : subject.kind === "project"
          ? slot.direct + (p.labour_cost ?? 0)
          : (p.salary_cost ?? 0) + slot.direct;
    return { month: p.month, hours: p.hours, cost, revenue, profit: revenue - cost };
  });
  const first = history.findIndex((m) => m.hours > 0 || m.revenue > 0);
  return first < 0 ? [] : history.slice(first);
}

/**
 * Forecasts of every figure of a history; `InsufficientHistoryError` below six months. With a
 * deployed selection, each figure's backtest runs the model chosen there (all candidates when it
 * is not eligible on this history).
 */
function forecastHistory(history: readonly HistoryMonth[], horizon: number, now: Date, selection: DeployedForecastSelection | null = null): Record<Figure, Forecast> {
  if (history.length < MIN_HISTORY_MONTHS) throw new InsufficientHistoryError(MIN_HISTORY_MONTHS, history.length);
  const of = (figure: Figure) => {
    const points = history.map((m) => ({ month: m.month, value: m[figure] }));
    const options = { horizon, nonNegative: figure !== "profit", now };
    const chosen = selection?.figures[figure];
    if (chosen !== undefined) {
      const fixed = forecast(points, { ...options, candidates: [chosen] });
      if (fixed.candidates.some((c) => c.eligible)) return fixed;
    }
    return forecast(points, options);
  };
  return { hours: of("hours"), cost: of("cost"), revenue: of("revenue"), profit: of("profit") };
}

const sumLast = (history: readonly HistoryMonth[], figure: Figure, months: number) => history.slice(-months).reduce((s, m) => s + m[figure], 0);

function figureAnswer(f: Forecast, current: number | null) {
  return { ...predictionFigure(f, current), model: f.model.type, model_accuracy: f.model_accuracy };
}

function modelAnswer(forecasts: Record<Figure, Forecast>, samples: number, selection: DeployedForecastSelection | null = null) {
  const figures = Object.fromEntries(
    FORECAST_FIGURES.map((figure) => {
      const f = forecasts[figure];
      return [figure, { type: f.model.type, model_accuracy: f.model_accuracy, holdout: f.model.holdout, backtest_origins: f.model.backtest_origins, candidates: f.candidates }];
    }),
  );
  return {
    type: "rolling_origin_selection",
    version: FORECAST_MODEL_VERSION,
    trained_at: forecasts.cost.model.trained_at,
    training_samples: samples,
    selection_metric: forecasts.cost.model.selection_metric,
    figures,
    registry_model: selection ? { id: registryId(selection.model.id), version: selection.model.version } : null,
  };
}

/** A registry id as the API shows ids: an integer when it is one. */
const registryId = (id: string): number | string => (/^\d+$/.test(id) ? Number(id) : id);

/** The answer of a `GET /predict/…` route (contract section 7). */
async function predictionAnswer(epca: Epca, actor: Actor, subject: Subject, horizon: number, asOf: string, now = new Date()) {
  const history = await subjectHistory(epca, actor, subject, asOf);
  // A department forecast uses the choice of the deployed forecast model (`POST /predict/…/train`, then deploy).
  const selection = subject.kind === "department" ? await epca.extend(forecastModelUseCases).deployedSelection(actor, `department:${subject.id}`, asOf) : null;
  const forecasts = forecastHistory(history, horizon, now, selection);
  const current = (figure: Figure) => sumLast(history, figure, horizon);
  const roi = roiForecast(forecasts.profit, forecasts.cost);
  const currentCost = current("cost");
  const predictions = {
    hours: figureAnswer(forecasts.hours, current("hours")),
    cost: figureAnswer(forecasts.cost, currentCost),
    revenue: figureAnswer(forecasts.revenue, current("revenue")),
    profit: figureAnswer(forecasts.profit, current("profit")),
    roi: { current: currentCost === 0 ? null : current("profit") / currentCost, ...roi },
  };
  const name = subject.kind === "company" ? "company" : `${subject.kind}:${subject.id}`;
  const input: { budgets?: RecommendationInput["budgets"]; productivity?: RecommendationInput["productivity"]; projects?: RecommendationInput["projects"]; people?: RecommendationInput["people"] } = {};
  const currentHours = current("hours");
  const forecastHours = forecasts.hours.totals.predicted;
  if (currentHours > 0 && forecastHours > 0) {
    input.productivity = [{ subject: name, current: current("revenue") / currentHours, forecast: forecasts.revenue.totals.predicted / forecastHours }];
  }
  if (subject.kind === "department") {
    const department = await epca.departments.get(actor, subject.id);
    const year = asOf.slice(0, 4);
    const spent = history.filter((m) => m.month.startsWith(year)).reduce((s, m) => s + m.cost, 0);
    const inYear = forecasts.cost.points.map((p, i) => ({ p, i })).filter(({ p }) => p.month.startsWith(year));
    const yearCost = inYear.reduce((s, { p }) => s + p.predicted, 0);
    const yearUpper = inYear.reduce((s, { p }) => s + p.upper, 0);
    input.budgets = [{ subject: name, budget: department.budget, spent_to_date: spent, forecast_cost: yearCost, forecast_cost_upper: yearUpper }];
  }
  if (subject.kind === "project") {
    input.projects = [{ subject: name, forecast_profit: forecasts.profit.totals.predicted, forecast_profit_lower: forecasts.profit.totals.lower, forecast_profit_upper: forecasts.profit.totals.upper }];
  }
  if (subject.kind === "employee") {
    const day = lastDay(asOf);
    const allocations = await epca.allocations.list(actor, { employee_id: subject.id }, { limit: 1000 });
    const load = allocations.items.filter((a) => a.start_date <= day && (a.end_date === null || a.end_date >= day)).reduce((s, a) => s + a.allocation_percentage, 0);
    input.people = [{ subject: name, allocation_percentage: load }];
  }
  const recommendations: Recommendation[] = recommend(input);
  const key = subject.kind === "company" ? {} : { [`${subject.kind}_id`]: subject.id };
  return {
    ...key,
    horizon_months: horizon,
    as_of: asOf,
    generated_at: now.toISOString(),
    model: modelAnswer(forecasts, history.length, selection),
    predictions,
    recommendations,
  };
}

/** The answer of a train route for one department: backtest figures on held-out months, and the choice per figure. */
async function backtestDepartment(epca: Epca, actor: Actor, departmentId: number, asOf: string, horizon = 3) {
  await epca.departments.get(actor, departmentId);
  const history = await subjectHistory(epca, actor, { kind: "department", id: departmentId }, asOf);
  const forecasts = forecastHistory(history, horizon, new Date());
  const accuracies = FORECAST_FIGURES.map((f) => forecasts[f].model_accuracy).filter((a): a is number => a !== null);
  const metrics = Object.fromEntries(
    FORECAST_FIGURES.map((figure) => {
      const f = forecasts[figure];
      return [figure, { model: f.model.type, model_accuracy: f.model_accuracy, ...f.model.holdout, backtest_origins: f.model.backtest_origins }];
    }),
  );
  return {
    status: "success" as const,
    department_id: departmentId,
    as_of: asOf,
    model_accuracy: accuracies.length > 0 ? accuracies.reduce((s, a) => s + a, 0) / accuracies.length : null,
    training_samples: history.length,
    features_used: [...FORECAST_FIGURES],
    metrics,
    selection: Object.fromEntries(FORECAST_FIGURES.map((figure) => [figure, forecasts[figure].model.type])) as Record<Figure, string>,
  };
}

/** Held-out figures of one department as flat registry metrics: `model_accuracy`, `hours_mase`, … */
function registryMetrics(trained: Awaited<ReturnType<typeof backtestDepartment>>): Record<string, number | null> {
  const out: Record<string, number | null> = { model_accuracy: trained.model_accuracy, training_samples: trained.training_samples };
  for (const figure of FORECAST_FIGURES) {
    const m = trained.metrics[figure]!;
    for (const key of ["model_accuracy", "mae", "rmse", "mase", "smape", "skill_vs_seasonal_naive", "backtest_origins"] as const) out[`${figure}_${key}`] = m[key];
  }
  return out;
}

/** The registered model version as a train route names it (null without a registry). */
const registered = (model: { id: string; version: number } | null) => (model ? { model_id: registryId(model.id), model_version: model.version } : { model_id: null, model_version: null });

/**
 * `POST /predict/department/{id}/train`: the backtest's figures, registered as a `forecast` model
 * version (validated; deploy it and the department's forecasts use its choice of model).
 */
async function trainDepartment(epca: Epca, actor: Actor, departmentId: number, asOf: string, horizon = 3) {
  const { selection, ...trained } = await backtestDepartment(epca, actor, departmentId, asOf, horizon);
  const model = await epca.extend(forecastModelUseCases).register(actor, {
    as_of: asOf,
    horizon,
    subjects: { [`department:${departmentId}`]: selection },
    metrics: registryMetrics({ ...trained, selection }),
    hyperparameters: { scope: "department", department_id: departmentId },
  });
  return { ...trained, ...registered(model) };
}

/** Trains every department of the tenant; a department with too little history is listed as skipped. */
async function trainAll(epca: Epca, actor: Actor, asOf: string, onProgress?: (done: number, total: number) => Promise<void>) {
  const departments = [];
  for (let skip = 0; ; skip += 1000) {
    const page = await epca.departments.list(actor, {}, { skip, limit: 1000 });
    departments.push(...page.items);
    if (skip + 1000 >= page.total) break;
  }
  const trained: Awaited<ReturnType<typeof backtestDepartment>>[] = [];
  const skipped: { department_id: number; reason: "insufficient_history"; needed: number; available: number }[] = [];
  for (const [i, d] of departments.entries()) {
    try {
      trained.push(await backtestDepartment(epca, actor, d.id, asOf));
    } catch (error) {
      if (!(error instanceof InsufficientHistoryError)) throw error;
      skipped.push({ department_id: d.id, reason: "insufficient_history", needed: error.needed, available: error.available });
    }
    await onProgress?.(i + 1, departments.length);
  }
  const accuracies = trained.map((t) => t.model_accuracy).filter((a): a is number => a !== null);
  const modelAccuracy = accuracies.length > 0 ? accuracies.reduce((s, a) => s + a, 0) / accuracies.length : null;
  const trainingSamples = trained.reduce((s, t) => s + t.training_samples, 0);
  // One `forecast` model version holding every trained department's choice.
  const mean = (values: (number | null)[]) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length > 0 ? known.reduce((s, v) => s + v, 0) / known.length : null;
  };
  const metrics: Record<string, number | null> = { model_accuracy: modelAccuracy, training_samples: trainingSamples, departments_trained: trained.length, departments_skipped: skipped.length };
  for (const figure of FORECAST_FIGURES) {
    metrics[`${figure}_model_accuracy`] = mean(trained.map((t) => t.metrics[figure]!.model_accuracy));
    metrics[`${figure}_mase`] = mean(trained.map((t) => t.metrics[figure]!.mase));
  }
  const model =
    trained.length > 0
      ? await epca.extend(forecastModelUseCases).register(actor, {
          as_of: asOf,
          horizon: 3,
          subjects: Object.fromEntries(trained.map((t) => [`department:${t.department_id}`, t.selection])),
          metrics,
          hyperparameters: { scope: "departments", departments: trained.map((t) => t.department_id) },
        })
      : null;
  return {
    status: "success" as const,
    as_of: asOf,
    model_accuracy: modelAccuracy,
    training_samples: trainingSamples,
    features_used: [...FORECAST_FIGURES],
    metrics: { departments: trained.map(({ status: _status, features_used: _features, selection: _selection, ...rest }) => rest), skipped },
    ...registered(model),
  };
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const predictQuery = z.object({
  horizon: z
    .preprocess(integerFromString, z.number().int().min(1).max(12))
    .default(3)
    .describe("Months ahead, 1–12 (default 3)."),
  as_of: z
    .string()
    .regex(MONTH, "Must be a month in YYYY-MM form")
    .optional()
    .describe("`YYYY-MM`: forecast from the end of that month, using only data up to it (default: the last complete month)."),
});
const trainQuery = predictQuery.pick({ as_of: true });

/** The origin of a request: `as_of`, a complete month (before the current one); 422 otherwise. */
function origin(asOf: string | undefined): string {
  const latest = defaultAsOf();
  if (asOf === undefined) return latest;
  if (monthIndex(asOf) > monthIndex(latest)) {
    throw new RequestValidationError([{ loc: ["query", "as_of"], msg: `Must be a complete month, at most ${latest}`, type: "value_error" }]);
  }
  return asOf;
}

const interval = z.object({ month: z.string(), predicted: z.number(), lower: z.number(), upper: z.number() });
const figureSchema = z.object({
  current: z.number().nullable().describe("The figure over the last `horizon` months of history."),
  predicted: z.number().describe("Total over the horizon."),
  lower: z.number(),
  upper: z.number(),
  confidence: z.number().describe("Nominal coverage of `[lower, upper]`."),
  points: z.array(interval),
  model: z.string().describe("The model the backtest chose for this figure."),
  model_accuracy: z.number().nullable().describe("`clip(1 − MASE, 0, 1)` on held-out months (docs/forecasting.md)."),
});
const roiSchema = z.object({
  current: z.number().nullable(),
  predicted: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  confidence: z.number().describe("Joint coverage bound (Bonferroni) of the profit and cost intervals."),
  input_coverage: z.number(),
  points: z.array(z.object({ month: z.string(), predicted: z.number().nullable(), lower: z.number().nullable(), upper: z.number().nullable() })),
});
const holdoutSchema = z.object({
  mae: z.number(),
  rmse: z.number(),
  mase: z.number().nullable(),
  smape: z.number().nullable(),
  skill_vs_seasonal_naive: z.number().nullable(),
  errors: z.number().int(),
});
const modelSchema = z.object({
  type: z.literal("rolling_origin_selection"),
  version: z.string(),
  trained_at: z.string(),
  training_samples: z.number().int().describe("Months of history."),
  selection_metric: z.string(),
  registry_model: z
    .object({ id: z.union([z.number().int(), z.string()]), version: z.number().int() })
    .nullable()
    .describe("The deployed `forecast` model (`GET /ml/models?type=forecast`) whose choice of model per figure this forecast used; null: chosen afresh by the backtest."),
  figures: z.record(
    z.string(),
    z.object({
      type: z.string(),
      model_accuracy: z.number().nullable(),
      holdout: holdoutSchema,
      backtest_origins: z.number().int(),
      candidates: z.array(z.object({ type: z.string(), eligible: z.boolean(), mae: z.number().nullable(), mase: z.number().nullable() })),
    }),
  ),
});
const recommendationSchema = z.object({
  kind: z.enum(["budget_overrun", "falling_productivity", "project_loss", "under_allocation"]),
  severity: z.enum(["high", "medium"]),
  subject: z.string(),
  message: z.string(),
  figure: z.object({ name: z.string(), value: z.number(), threshold: z.number() }),
});
const predictionShape = {
  horizon_months: z.number().int(),
  as_of: z.string(),
  generated_at: z.string(),
  model: modelSchema,
  predictions: z.object({ hours: figureSchema, cost: figureSchema, revenue: figureSchema, profit: figureSchema, roi: roiSchema }),
  recommendations: z.array(recommendationSchema),
};
const Prediction = named(z.object({ department_id: z.number().int().optional(), employee_id: z.number().int().optional(), project_id: z.number().int().optional(), ...predictionShape }), "Prediction");
const History = named(
  z.object({ as_of: z.string(), points: z.array(z.object({ month: z.string(), hours: z.number(), cost: z.number(), revenue: z.number(), profit: z.number() })) }),
  "PredictionHistory",
);
const Training = named(
  z.object({
    status: z.literal("success"),
    as_of: z.string(),
    department_id: z.number().int().optional(),
    model_accuracy: z.number().nullable().describe("Mean over the figures of `clip(1 − MASE, 0, 1)` on held-out months."),
    training_samples: z.number().int(),
    features_used: z.array(z.string()),
    metrics: z.record(z.string(), z.unknown()),
    model_id: z
      .union([z.number().int(), z.string()])
      .nullable()
      .describe("The `forecast` model version registered with these figures (`GET /ml/models?type=forecast`; deploy it to have the forecasts use its choice of model); null when the store keeps no model registry or nothing was trained."),
    model_version: z.number().int().nullable(),
  }),
  "PredictionTraining",
);

const HISTORY_422 = "Validation error, or too little history (`insufficient_history`: the detail names the months needed and available)";

/** `/predict`: spec 000 section 4, "ML Predictions Endpoints"; contract section 7. */
function routes(api: RouteTable): void {
  const subjects: { path: string; param?: "dept_id" | "emp_id" | "proj_id"; kind: SubjectKind; what: string }[] = [
    { path: "/predict/company", kind: "company", what: "the company" },
    { path: "/predict/department/{dept_id}", param: "dept_id", kind: "department", what: "a department" },
    { path: "/predict/employee/{emp_id}", param: "emp_id", kind: "employee", what: "an employee" },
    { path: "/predict/project/{proj_id}", param: "proj_id", kind: "project", what: "a project" },
  ];
  const subjectOf = (s: (typeof subjects)[number], params: unknown): Subject =>
    s.kind === "company" ? { kind: "company" } : { kind: s.kind, id: (params as Record<string, number>)[s.param!]! };
  for (const s of subjects) {
    api.define(
      {
        method: "get",
        path: s.path,
        summary: `Forecast of ${s.what}`,
        description:
          "Hours, cost, revenue, profit and ROI over the next `horizon` months with prediction intervals calibrated on the backtest, the model chosen per figure and its held-out errors, and recommendations with the figure that triggered each (docs/forecasting.md).",
        tags,
        permission: { action: "read", resource: "predictions" },
        request: s.param ? { params: idParams(s.param), query: predictQuery } : { query: predictQuery },
        errors: { 422: HISTORY_422 },
        responses: { 200: { description: "The forecast", schema: Prediction } },
      },
      async ({ epca, actor, params, query }) => {
        const answer = await predictionAnswer(epca, actor, subjectOf(s, params), query.horizon, origin(query.as_of));
        epca.tenants.countUsage(actor.tenantId, "predictions", 1, actor.userId); // a forecast answered: one prediction in the day's usage
        return ok(api.metrics.countPrediction("forecast", answer));
      },
    );
    api.define(
      {
        method: "get",
        path: `${s.path}/history`,
        summary: `Monthly history a forecast of ${s.what} reads`,
        description: "The months up to `as_of` as the forecast reads them (project revenue spread over the hours known at the origin), for checking a forecast or forecasting in the browser.",
        tags,
        permission: { action: "read", resource: "predictions" },
        request: s.param ? { params: idParams(s.param), query: trainQuery } : { query: trainQuery },
        responses: { 200: { description: "The history", schema: History } },
      },
      async ({ epca, actor, params, query }) => {
        const asOf = origin(query.as_of);
        return ok({ as_of: asOf, points: await subjectHistory(epca, actor, subjectOf(s, params), asOf) });
      },
    );
  }

  api.define(
    {
      method: "post",
      path: "/predict/department/{dept_id}/train",
      summary: "Train department model",
      description:
        "Runs the rolling-origin backtest of every figure of the department and answers its held-out figures; `model_accuracy` is their mean `clip(1 − MASE, 0, 1)`. Registers the model chosen per figure as a `validated` `forecast` model version with these figures (`model_id`, `model_version`; `GET /ml/models?type=forecast`); once deployed, the department's forecasts use its choice.",
      tags,
      permission: { action: "train", resource: "predictions" },
      request: { params: idParams("dept_id"), query: trainQuery },
      errors: { 422: HISTORY_422 },
      responses: { 200: { description: "The training figures", schema: Training } },
    },
    async ({ epca, actor, params, query }) => ok(await trainDepartment(epca, actor, params.dept_id, origin(query.as_of))),
  );

  api.define(
    {
      method: "post",
      path: "/predict/train",
      summary: "Train all models",
      description: `Trains every department (those with too little history are listed in \`metrics.skipped\`) and registers one \`forecast\` model version holding every trained department's choice of model (\`model_id\`, \`model_version\`). Up to ${PREDICT_TRAIN_SYNC_LIMIT} departments answer at once; more run as a job: 202 with \`Location\` of the job, whose result is this answer.`,
      tags,
      permission: { action: "train", resource: "predictions" },
      request: { query: trainQuery },
      responses: {
        200: { description: "The training figures", schema: Training },
        202: { description: "Training runs as a job; poll `Location`", schema: named(z.object({ job_id: z.string(), status: z.string() }), "PredictionTrainingJob"), headers: ["Location"] },
      },
    },
    async ({ epca, actor, query, req }) => {
      const asOf = origin(query.as_of);
      const count = (await epca.departments.list(actor, {}, { limit: 1 })).total;
      if (count <= PREDICT_TRAIN_SYNC_LIMIT) return ok(await trainAll(epca, actor, asOf));
      const job = await epca.jobs.enqueue(actor, { type: "predictions.train", payload: { as_of: asOf } });
      return { status: 202, body: { job_id: job.id, status: job.status }, headers: { Location: `${req.baseUrl}${API_BASE_PATH}/jobs/${job.id}` } };
    },
  );
}

/** `predictions.train`: `POST /predict/train` of a tenant with many departments. */
async function trainJob(job: ModuleJob): Promise<unknown> {
  const { as_of } = (job.payload ?? {}) as { as_of?: string };
  return trainAll(job.epca, systemActor(job.tenantId), as_of ?? defaultAsOf(), (done, total) => job.progress(done, total, "departments trained"));
}

/** The `predictions` module: forecasts and their training routes. */
export const predictionModule: ServerModule = {
  name: "predictions",
  tags: [{ name: "predictions", description: "Forecasts with measured backtests and calibrated intervals (contract section 7, docs/forecasting.md)." }],
  errorStatuses: { insufficient_history: 422, invalid_series: 422, invalid_options: 422 },
  jobs: { "predictions.train": trainJob },
  routes,
};
