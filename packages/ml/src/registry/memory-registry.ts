import { InvalidModelStateError, ModelNotFoundError, PredictionNotFoundError } from "../errors.js";
import type { JsonValue, ModelFilter, ModelRecord, ModelRegistry, NewModel, PredictionRecord } from "../ports.js";

const copy = <T>(value: T): T => structuredClone(value);

/**
 * A `ModelRegistry` in memory, for tests, examples and the browser. Each call runs to completion
 * without awaiting in between, so deploy's archive-and-deploy step is atomic.
 */
export function createMemoryModelRegistry(): ModelRegistry {
  const models = new Map<string, ModelRecord>();
  const predictions = new Map<string, PredictionRecord>();
  let sequence = 0;
  const nextId = (prefix: string) => {
    sequence += 1;
    return `${prefix}_${sequence.toString(36).padStart(6, "0")}`;
  };
  const find = (tenantId: string, id: string) => {
    const model = models.get(id);
    return model && model.tenant_id === tenantId ? model : null;
  };
  const mustFind = (tenantId: string, id: string) => {
    const model = find(tenantId, id);
    if (!model) throw new ModelNotFoundError(id);
    return model;
  };
  const findPrediction = (tenantId: string, id: string) => {
    const prediction = predictions.get(id);
    if (!prediction || !find(tenantId, prediction.model_id)) throw new PredictionNotFoundError(id);
    return prediction;
  };

  return {
    async save(tenantId, model: NewModel) {
      const version =
        [...models.values()].filter((m) => m.tenant_id === tenantId && m.type === model.type).reduce((v, m) => Math.max(v, m.version), 0) + 1;
      if ((model.status as string | undefined) === "deployed") throw new InvalidModelStateError("save cannot deploy; use deploy");
      const record: ModelRecord = {
        id: nextId("mdl"),
        tenant_id: tenantId,
        type: model.type,
        version,
        status: model.status ?? "training",
        metrics: copy(model.metrics ?? {}),
        hyperparameters: copy(model.hyperparameters ?? {}),
        artifacts: copy(model.artifacts ?? null),
        created_at: new Date().toISOString(),
        deployed_at: null,
      };
      models.set(record.id, record);
      return copy(record);
    },
    async update(tenantId, id, change) {
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
      models.set(id, next);
      return copy(next);
    },
    async get(tenantId, id) {
      const model = find(tenantId, id);
      return model ? copy(model) : null;
    },
    async list(tenantId, filter: ModelFilter = {}) {
      return [...models.values()]
        .filter((m) => m.tenant_id === tenantId && (filter.type === undefined || m.type === filter.type) && (filter.status === undefined || m.status === filter.status))
        .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.version - b.version))
        .map(copy);
    },
    async getDeployed(tenantId, type) {
      const model = [...models.values()].find((m) => m.tenant_id === tenantId && m.type === type && m.status === "deployed");
      return model ? copy(model) : null;
    },
    async deploy(tenantId, id, at = new Date()) {
      const model = mustFind(tenantId, id);
      if (model.status === "training") throw new InvalidModelStateError(`model ${id} is still training`);
      if (model.status === "deployed") return copy(model);
      for (const other of models.values()) {
        if (other.tenant_id === tenantId && other.type === model.type && other.status === "deployed") {
          models.set(other.id, { ...other, status: "archived" });
        }
      }
      const deployed: ModelRecord = { ...model, status: "deployed", deployed_at: at.toISOString() };
      models.set(id, deployed);
      return copy(deployed);
    },
    async logPrediction(tenantId, prediction) {
      mustFind(tenantId, prediction.model_id);
      const record: PredictionRecord = {
        id: nextId("prd"),
        model_id: prediction.model_id,
        input: copy(prediction.input),
        output: copy(prediction.output),
        created_at: (prediction.at ?? new Date()).toISOString(),
        feedback: null,
      };
      predictions.set(record.id, record);
      return copy(record);
    },
    async recordFeedback(tenantId, predictionId, feedback: { actual: JsonValue; at?: Date }) {
      const prediction = findPrediction(tenantId, predictionId);
      const next: PredictionRecord = {
        ...prediction,
        feedback: { actual: copy(feedback.actual), created_at: (feedback.at ?? new Date()).toISOString() },
      };
      predictions.set(predictionId, next);
      return copy(next);
    },
    async listPredictions(tenantId, modelId, options = {}) {
      mustFind(tenantId, modelId);
      const rows = [...predictions.values()].filter((p) => p.model_id === modelId && (!options.withFeedback || p.feedback !== null));
      return (options.limit !== undefined ? rows.slice(0, options.limit) : rows).map(copy);
    },
  };
}
