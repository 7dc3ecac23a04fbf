/** A JSON value, as stored in a database column or sent over HTTP. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Lifecycle of a model version. */
export type ModelStatus = "training" | "trained" | "validated" | "deployed" | "archived";

/** Every status, in lifecycle order. */
export const MODEL_STATUSES: readonly ModelStatus[] = ["training", "trained", "validated", "deployed", "archived"];

/** One stored model version of one tenant. */
export interface ModelRecord {
  readonly id: string;
  readonly tenant_id: string;
  /** Model family, e.g. `allocation` or `forecast`. */
  readonly type: string;
  /** 1, 2, … per tenant and type, in order of saving. */
  readonly version: number;
  readonly status: ModelStatus;
  /** Validation figures measured on held-out data, e.g. `{ mae_hours: 12.3 }`. */
  readonly metrics: { readonly [name: string]: number | null };
  readonly hyperparameters: { readonly [name: string]: JsonValue };
  /** Serialized model (e.g. `AllocationModelArtifacts`); null while training. */
  readonly artifacts: JsonValue | null;
  /** ISO timestamp. */
  readonly created_at: string;
  /** ISO timestamp of the latest deployment; null if never deployed. */
  readonly deployed_at: string | null;
}

/** What a caller gives to save a new model version. */
export interface NewModel {
  readonly type: string;
  /** Default `training`; `deployed` is not accepted here (use `deploy`). */
  readonly status?: Exclude<ModelStatus, "deployed">;
  readonly metrics?: { readonly [name: string]: number | null };
  readonly hyperparameters?: { readonly [name: string]: JsonValue };
  readonly artifacts?: JsonValue | null;
}

/** A change to a stored model: training finished, validated, or artifacts attached. */
export interface ModelUpdate {
  /** `deployed` is not accepted here (use `deploy`). */
  readonly status?: Exclude<ModelStatus, "deployed">;
  readonly metrics?: { readonly [name: string]: number | null };
  readonly artifacts?: JsonValue | null;
}

/** The actual outcome reported for a logged prediction. */
export interface PredictionFeedback {
  readonly actual: JsonValue;
  /** ISO timestamp. */
  readonly created_at: string;
}

/** One logged prediction of a model. */
export interface PredictionRecord {
  readonly id: string;
  readonly model_id: string;
  readonly input: JsonValue;
  readonly output: JsonValue;
  /** ISO timestamp. */
  readonly created_at: string;
  /** Null until feedback arrives. */
  readonly feedback: PredictionFeedback | null;
}

/** Filters of {@link ModelRegistry.list}. */
export interface ModelFilter {
  readonly type?: string;
  readonly status?: ModelStatus;
}

/**
 * Versioned models per tenant, their deployment and their logged predictions. Every method runs
 * for one tenant and MUST NOT read or change another tenant's records. Returned records are
 * copies: mutating them MUST NOT change what is stored.
 */
export interface ModelRegistry {
  /** Saves a new version; MUST assign a unique id and the next version of `(tenant, type)`, even under concurrent saves. */
  save(tenantId: string, model: NewModel): Promise<ModelRecord>;
  /** Changes status, metrics or artifacts; MUST throw `ModelNotFoundError` for an unknown id, and `InvalidModelStateError` when moving a deployed model to any status but `archived`. */
  update(tenantId: string, id: string, change: ModelUpdate): Promise<ModelRecord>;
  /** The model, or null when it does not exist in this tenant. */
  get(tenantId: string, id: string): Promise<ModelRecord | null>;
  /** Models of the tenant matching the filter, ordered by type then version ascending. */
  list(tenantId: string, filter?: ModelFilter): Promise<ModelRecord[]>;
  /** The deployed model of a type, or null. */
  getDeployed(tenantId: string, type: string): Promise<ModelRecord | null>;
  /**
   * Deploys a `trained`, `validated` or `archived` model; MUST archive the previously deployed
   * model of the same type in the same atomic step, so that at no time (and after concurrent
   * deploys) more than one model per type and tenant is deployed. Deploying the deployed model
   * again MUST leave it deployed. Throws `ModelNotFoundError` or `InvalidModelStateError` (training).
   */
  deploy(tenantId: string, id: string, at?: Date): Promise<ModelRecord>;
  /** Logs a prediction of a model of this tenant; MUST throw `ModelNotFoundError` otherwise. */
  logPrediction(tenantId: string, prediction: { readonly model_id: string; readonly input: JsonValue; readonly output: JsonValue; readonly at?: Date }): Promise<PredictionRecord>;
  /** Records the actual outcome; a later feedback MUST replace an earlier one. Throws `PredictionNotFoundError`. */
  recordFeedback(tenantId: string, predictionId: string, feedback: { readonly actual: JsonValue; readonly at?: Date }): Promise<PredictionRecord>;
  /** Predictions of a model, oldest first; with `withFeedback`, only those that have feedback. */
  listPredictions(tenantId: string, modelId: string, options?: { readonly withFeedback?: boolean; readonly limit?: number }): Promise<PredictionRecord[]>;
}
