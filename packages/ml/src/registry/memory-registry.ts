import { InvalidModelStateError, ModelNotFoundError, PredictionNotFoundError } from "../errors.js";
import type { JsonValue, ModelFilter, ModelRecord, ModelRegistry, NewModel, PredictionRecord } from "../ports.js";

const copy = <T>(value: T): T => structuredClone(value);

/**
 * Where an in-process {@link ModelRegistry} keeps its records: plain maps
 * ({@link createMemoryModelRegistry}), or the tables of a host's transaction (the memory store's
 * part in `@epca/adapter-memory/ml`, whose writes roll back with the transaction). The registry
 * copies what it writes and what it answers; the rows only keep references.
 */
export interface ModelRegistryRows {
  /** Runs first in every call with the tenant asked for; may throw (e.g. another tenant's, or a settled transaction). */
  enter?(tenantId: string): void;
  /** The tenant's models, in any order. */
  models(tenantId: string): Iterable<ModelRecord>;
  /** One model of the tenant, or undefined (an id of another tenant, or of no model). */
  model(tenantId: string, id: string): ModelRecord | undefined;
  /** Stores a new model under a fresh, unique id and answers the stored record. */
  insertModel(model: Omit<ModelRecord, "id">): ModelRecord;
  /** Replaces the stored model with the same id. */
  replaceModel(model: ModelRecord): void;
  /** The tenant's predictions, in the order they were logged. */
  predictions(tenantId: string): Iterable<PredictionRecord>;
  /** One prediction of the tenant, or undefined. */
  prediction(tenantId: string, id: string): PredictionRecord | undefined;
  /** Stores a new prediction under a fresh, unique id and answers the stored record. */
  insertPrediction(tenantId: string, prediction: Omit<PredictionRecord, "id">): PredictionRecord;
  /** Replaces the stored prediction with the same id. */
  replacePrediction(tenantId: string, prediction: PredictionRecord): void;
  /** The instant (ISO) a new model is stamped with; default the system clock. */
  now?(): string;
}

/**
 * A {@link ModelRegistry} over {@link ModelRegistryRows}. Each call runs to completion without
 * awaiting in between, so saving the next version and deploy's archive-and-deploy step are atomic
 * within one process.
 */
export function createModelRegistryOver(rows: ModelRegistryRows): ModelRegistry {
  const enter = (tenantId: string) => rows.enter?.(tenantId);
  const mustFind = (tenantId: string, id: string) => {
    const model = rows.model(tenantId, id);
    if (!model) throw new ModelNotFoundError(id);
    return model;
  };
  const matching = (tenantId: string, matches: (m: ModelRecord) => boolean) => [...rows.models(tenantId)].filter(matches);

  return {
    async save(tenantId, model: NewModel) {
      enter(tenantId);
      if ((model.status as string | undefined) === "deployed") throw new InvalidModelStateError("save cannot deploy; use deploy");
      const version = matching(tenantId, (m) => m.type === model.type).reduce((v, m) => Math.max(v, m.version), 0) + 1;
      const stored = rows.insertModel({
        tenant_id: tenantId,
        type: model.type,
        version,
        status: model.status ?? "training",
        metrics: copy(model.metrics ?? {}),
        hyperparameters: copy(model.hyperparameters ?? {}),
        artifacts: copy(model.artifacts ?? null),
        created_at: rows.now?.() ?? new Date().toISOString(),
        deployed_at: null,
      });
      return copy(stored);
    },
    async update(tenantId, id, change) {
      enter(tenantId);
      const model = mustFind(tenantId, id);
      if (change.status !== undefined && (change.status as string) === "deployed") throw new InvalidModelStateError("update cannot deploy; use deploy");
      if (change.status !== undefined && model.status === "deployed" && change.status !== "archived") {
        throw new InvalidModelStateError(`model ${id} is deployed; deploy another one or archive it`);
      }
      const next: ModelRecord = {
        ...model,
        status: change.status ?? model.status,
        metrics: change.metrics !== undefined ? copy(change.metrics) : model.metrics,
        artifacts: change.artifacts !== undefined ? copy(change.artifacts) : model.artifacts,
      };
      rows.replaceModel(next);
      return copy(next);
    },
    async get(tenantId, id) {
      enter(tenantId);
      const model = rows.model(tenantId, id);
      return model ? copy(model) : null;
    },
    async list(tenantId, filter: ModelFilter = {}) {
      enter(tenantId);
      return matching(tenantId, (m) => (filter.type === undefined || m.type === filter.type) && (filter.status === undefined || m.status === filter.status))
        .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.version - b.version))
        .map(copy);
    },
    async getDeployed(tenantId, type) {
      enter(tenantId);
      const model = matching(tenantId, (m) => m.type === type && m.status === "deployed")[0];
      return model ? copy(model) : null;
    },
    async deploy(tenantId, id, at = new Date()) {
      enter(tenantId);
      const model = mustFind(tenantId, id);
      if (model.status === "training") throw new InvalidModelStateError(`model ${id} is still training`);
      if (model.status === "deployed") return copy(model);
      for (const other of matching(tenantId, (m) => m.type === model.type && m.status === "deployed")) rows.replaceModel({ ...other, status: "archived" });
      const deployed: ModelRecord = { ...model, status: "deployed", deployed_at: at.toISOString() };
      rows.replaceModel(deployed);
      return copy(deployed);
    },
    async logPrediction(tenantId, prediction) {
      enter(tenantId);
      const model = mustFind(tenantId, prediction.model_id);
      const stored = rows.insertPrediction(tenantId, {
        model_id: model.id,
        input: copy(prediction.input),
        output: copy(prediction.output),
        created_at: (prediction.at ?? new Date()).toISOString(),
        feedback: null,
      });
      return copy(stored);
    },
    async recordFeedback(tenantId, predictionId, feedback: { readonly actual: JsonValue; readonly at?: Date }) {
      enter(tenantId);
      const prediction = rows.prediction(tenantId, predictionId);
      if (!prediction) throw new PredictionNotFoundError(predictionId);
      const next: PredictionRecord = { ...prediction, feedback: { actual: copy(feedback.actual), created_at: (feedback.at ?? new Date()).toISOString() } };
      rows.replacePrediction(tenantId, next);
      return copy(next);
    },
    async listPredictions(tenantId, modelId, options = {}) {
      enter(tenantId);
      const model = mustFind(tenantId, modelId);
      // Oldest first; predictions logged at the same instant in the order they were logged (a stable sort).
      const found = [...rows.predictions(tenantId)]
        .filter((p) => p.model_id === model.id && (!options.withFeedback || p.feedback !== null))
        .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
      return (options.limit !== undefined ? found.slice(0, options.limit) : found).map(copy);
    },
  };
}

/**
 * A `ModelRegistry` in memory, for tests, examples and the browser: {@link createModelRegistryOver}
 * plain maps (ids `mdl_…` and `prd_…`).
 */
export function createMemoryModelRegistry(): ModelRegistry {
  const models = new Map<string, ModelRecord>();
  const predictions = new Map<string, { readonly tenantId: string; readonly record: PredictionRecord }>();
  let sequence = 0;
  const nextId = (prefix: string) => {
    sequence += 1;
    return `${prefix}_${sequence.toString(36).padStart(6, "0")}`;
  };
  return createModelRegistryOver({
    *models(tenantId) {
      for (const m of models.values()) if (m.tenant_id === tenantId) yield m;
    },
    model(tenantId, id) {
      const m = models.get(id);
      return m && m.tenant_id === tenantId ? m : undefined;
    },
    insertModel(model) {
      const record = { id: nextId("mdl"), ...model };
      models.set(record.id, record);
      return record;
    },
    replaceModel(model) {
      models.set(model.id, model);
    },
    *predictions(tenantId) {
      for (const p of predictions.values()) if (p.tenantId === tenantId) yield p.record;
    },
    prediction(tenantId, id) {
      const p = predictions.get(id);
      return p && p.tenantId === tenantId ? p.record : undefined;
    },
    insertPrediction(tenantId, prediction) {
      const record = { id: nextId("prd"), ...prediction };
      predictions.set(record.id, { tenantId, record });
      return record;
    },
    replacePrediction(tenantId, prediction) {
      predictions.set(prediction.id, { tenantId, record: prediction });
    },
  });
}
