import { authorize, chargeStorage, type Actor, type TenantScope, type UseCaseHost } from "@epca/core";
import { FORECAST_MODEL_VERSION } from "../forecasting/forecast.js";
import { monthIndex } from "../forecasting/month.js";
import type { ForecastModelName } from "../forecasting/models.js";
import type { JsonValue, ModelRecord, ModelRegistry } from "../ports.js";

/** The model type of a forecast model version (the selection the train routes made). */
export const FORECAST_MODEL_TYPE = "forecast";
/** The `format` of a forecast model's artifacts. */
export const FORECAST_ARTIFACTS_FORMAT = "epca-forecast-selection";

/**
 * A forecast model's artifacts: for each subject trained (`department:3`), the candidate model the
 * rolling-origin backtest chose for each figure, with the origin and horizon of that backtest.
 * Forecasts refit on their own history; what a version fixes is the choice of model.
 */
export interface ForecastArtifacts {
  readonly format: typeof FORECAST_ARTIFACTS_FORMAT;
  /** `FORECAST_MODEL_VERSION` of the code that chose. */
  readonly version: string;
  /** The last month the backtest read (`YYYY-MM`). */
  readonly as_of: string;
  readonly horizon: number;
  /** Subject (`department:<id>`) → figure (`hours`, `cost`, …) → chosen model type. */
  readonly subjects: { readonly [subject: string]: { readonly [figure: string]: ForecastModelName } };
}

/** What a train route registers: the selections and the backtest figures they were chosen on. */
export interface ForecastRegistration {
  readonly as_of: string;
  readonly horizon: number;
  readonly subjects: ForecastArtifacts["subjects"];
  /** Held-out figures (e.g. `model_accuracy`, `hours_mase`); numbers or null only. */
  readonly metrics: { readonly [name: string]: number | null };
  /** What was trained, e.g. `{ scope: "department", department_id: 3 }`. */
  readonly hyperparameters?: { readonly [name: string]: JsonValue };
}

/** The deployed selection of one subject, for a forecast from `asOf`. */
export interface DeployedForecastSelection {
  readonly model: { readonly id: string; readonly version: number };
  readonly figures: { readonly [figure: string]: ForecastModelName };
}

/** Forecast model versions in the model registry: what the `/predict/…/train` routes store and the forecasts read. */
export interface ForecastModelUseCases {
  /**
   * Saves a `validated` forecast model version with its backtest metrics (`train` on
   * `predictions`); null when the store keeps no model registry (the train routes still answer).
   */
  register(actor: Actor, registration: ForecastRegistration): Promise<Omit<ModelRecord, "artifacts"> | null>;
  /**
   * The deployed forecast model's choice for `subject` (`read` on `predictions`), or null: no
   * registry, nothing deployed, the subject not in it, or chosen on data after `asOf` (a forecast
   * from `asOf` never reads what came after it, the choice included).
   */
  deployedSelection(actor: Actor, subject: string, asOf: string): Promise<DeployedForecastSelection | null>;
}

const isArtifacts = (value: JsonValue | null): value is JsonValue & ForecastArtifacts =>
  typeof value === "object" && value !== null && !Array.isArray(value) && (value as { format?: unknown }).format === FORECAST_ARTIFACTS_FORMAT;

/** Builds the forecast model use cases over a host whose scope may have the `modelRegistry` part. */
export function forecastModelUseCases(host: UseCaseHost<TenantScope & { readonly modelRegistry?: ModelRegistry }>): ForecastModelUseCases {
  const withRegistry = <T>(actor: Actor, work: (r: ModelRegistry) => Promise<T>): Promise<T | null> =>
    host.run(actor.tenantId, (scope) => (scope.modelRegistry ? work(scope.modelRegistry) : Promise.resolve(null)));
  return {
    async register(actor, registration) {
      authorize(actor, "train", "predictions");
      const artifacts: ForecastArtifacts = { format: FORECAST_ARTIFACTS_FORMAT, version: FORECAST_MODEL_VERSION, as_of: registration.as_of, horizon: registration.horizon, subjects: registration.subjects };
      // Like the allocation model's, the artifacts count against `max_storage_gb`, checked and
      // charged in the unit of work that stores them.
      const artifactBytes = new TextEncoder().encode(JSON.stringify(artifacts)).byteLength;
      const saved = await host.run(actor.tenantId, async (scope) => {
        if (!scope.modelRegistry) return null;
        await chargeStorage(scope, artifactBytes, host.clock.now().toISOString().slice(0, 10));
        return scope.modelRegistry.save(actor.tenantId, {
          type: FORECAST_MODEL_TYPE,
          status: "validated",
          metrics: registration.metrics,
          hyperparameters: { ...registration.hyperparameters, as_of: registration.as_of, horizon: registration.horizon, forecast_version: FORECAST_MODEL_VERSION },
          artifacts: artifacts as unknown as JsonValue,
        });
      });
      if (!saved) return null;
      const { artifacts: _artifacts, ...rest } = saved;
      return rest;
    },
    async deployedSelection(actor, subject, asOf) {
      authorize(actor, "read", "predictions");
      const deployed = await withRegistry(actor, (r) => r.getDeployed(actor.tenantId, FORECAST_MODEL_TYPE));
      if (!deployed || !isArtifacts(deployed.artifacts)) return null;
      const { as_of, subjects } = deployed.artifacts;
      const figures = Object.hasOwn(subjects, subject) ? subjects[subject] : undefined;
      if (!figures || monthIndex(as_of) > monthIndex(asOf)) return null;
      return { model: { id: deployed.id, version: deployed.version }, figures };
    },
  };
}
