/**
 * @epca/ml — forecasting of monthly series with measured backtests and calibrated intervals,
 * recommendations derived from forecasts, and the model registry port. No I/O, no Node-only
 * modules: runs in browsers. The TensorFlow.js allocation model is in `@epca/ml/allocation`.
 *
 * @packageDocumentation
 */
export {
  InsufficientHistoryError,
  InsufficientTrainingDataError,
  InvalidArtifactsError,
  InvalidModelStateError,
  InvalidOptionsError,
  InvalidSeriesError,
  isMlError,
  MlError,
  ModelNotFoundError,
  PredictionNotFoundError,
  TrainingAbortedError,
  type MlErrorCode,
} from "./errors.js";

// Forecasting
export {
  conformalQuantile,
  forecast,
  FORECAST_MODEL_VERSION,
  MAX_BACKTEST_ORIGINS,
  MIN_HISTORY_MONTHS,
  SELECTION_METRIC,
  SMALL_SAMPLE_INFLATION,
  SMALL_SAMPLE_RESIDUALS,
  type CandidateResult,
  type Forecast,
  type ForecastInterval,
  type ForecastOptions,
  type ForecastPoint,
  type HoldoutMetrics,
} from "./forecasting/forecast.js";
export {
  CANDIDATE_MODELS,
  SEASONALITY_MIN_MONTHS,
  type FittedForecaster,
  type ForecastModel,
  type ForecastModelName,
  type ForecastModelType,
} from "./forecasting/models.js";
export { addMonths, monthIndex, monthString } from "./forecasting/month.js";
export { predictionFigure, type PredictionFigure } from "./forecasting/figure.js";
export { roiForecast, type RoiForecast } from "./forecasting/roi.js";
export type { SeriesPoint } from "./forecasting/series.js";

// Recommendations
export {
  recommend,
  type AllocationLoadInput,
  type BudgetInput,
  type ProductivityInput,
  type ProjectLossInput,
  type Recommendation,
  type RecommendationInput,
  type RecommendationKind,
  type RecommendationSeverity,
} from "./recommendations/recommend.js";

// Model registry
export {
  MODEL_STATUSES,
  type JsonValue,
  type ModelFilter,
  type ModelRecord,
  type ModelRegistry,
  type ModelStatus,
  type ModelUpdate,
  type NewModel,
  type PredictionFeedback,
  type PredictionRecord,
} from "./ports.js";
export { createMemoryModelRegistry, createModelRegistryOver, type ModelRegistryRows } from "./registry/memory-registry.js";
export {
  liveErrorMetrics,
  shouldRetrain,
  type LiveErrorFigure,
  type LiveErrorMetrics,
  type RetrainCheck,
  type RetrainDecision,
} from "./registry/live-metrics.js";
