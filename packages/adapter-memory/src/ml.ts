/**
 * @epca/adapter-memory/ml — `@epca/ml`'s `ModelRegistry` as a scope part of the memory store:
 * `createMemoryStore({ parts: { modelRegistry: memoryModelRegistry } })`. Its rows live in the
 * store's tables `ml_models` and `ml_predictions` and roll back with the transaction.
 *
 * @packageDocumentation
 */
import { InvalidModelStateError, InvalidOptionsError, ModelNotFoundError, PredictionNotFoundError } from "@epca/ml";
import type { JsonValue, ModelRecord, ModelRegistry, PredictionRecord } from "@epca/ml";
import type { MemoryScopePart } from "./store.js";
import { copy, type Row } from "./table.js";

type ModelRow = Row & Omit<ModelRecord, "id">;
type PredictionRow = Row & Omit<PredictionRecord, "id" | "model_id"> & { readonly model: number };

const ID = /^[1-9]\d{0,15}$/;
const modelOf = (row: ModelRow): ModelRecord => copy({ ...row, id: String(row.id) });
const predictionOf = (row: PredictionRow): PredictionRecord => {
  const { model, ...rest } = row;
  return copy({ ...rest, id: String(row.id), model_id: String(model) });
};

/**
 * The registry of one transaction's tenant. Memory transactions run one at a time, so saving the
 * next version and deploying (archive the previous, deploy this one) are atomic.
 */
export const memoryModelRegistry: MemoryScopePart<ModelRegistry> = (tx) => {
  const models = tx.table<ModelRow>("ml_models");
  const predictions = tx.table<PredictionRow>("ml_predictions");
  const same = (tenantId: string) => {
    tx.assertOpen();
    if (tenantId !== tx.tenantId) throw new InvalidOptionsError(`this registry runs in tenant ${tx.tenantId}, not ${tenantId}`);
  };
  const find = (id: string) => (ID.test(id) ? models.get(tx.tenantId, Number(id)) : undefined);
  const mustFind = (id: string) => {
    const row = find(id);
    if (!row) throw new ModelNotFoundError(id);
    return row;
  };
  const findPrediction = (id: string) => {
    const row = ID.test(id) ? predictions.get(tx.tenantId, Number(id)) : undefined;
    if (!row) throw new PredictionNotFoundError(id);
    return row;
  };

  return {
    async save(tenantId, model) {
      same(tenantId);
      if ((model.status as string | undefined) === "deployed") throw new InvalidModelStateError("save cannot deploy; use deploy");
      const version = models.select(tx.tenantId, (m) => m.type === model.type).reduce((v, m) => Math.max(v, m.version), 0) + 1;
      const row: ModelRow = {
        id: models.nextId(),
        tenant_id: tx.tenantId,
        type: model.type,
        version,
        status: model.status ?? "training",
        metrics: copy(model.metrics ?? {}),
        hyperparameters: copy(model.hyperparameters ?? {}),
        artifacts: copy(model.artifacts ?? null),
        created_at: tx.now(),
        deployed_at: null,
      };
      models.insert(tx, row);
      return modelOf(row);
    },
    async update(tenantId, id, change) {
      same(tenantId);
      const row = mustFind(id);
      if (change.status !== undefined && (change.status as string) === "deployed") throw new InvalidModelStateError("update cannot deploy; use deploy");
      if (change.status !== undefined && row.status === "deployed" && change.status !== "archived") {
        throw new InvalidModelStateError(`model ${id} is deployed; deploy another one or archive it`);
      }
      const next: ModelRow = {
        ...row,
        status: change.status ?? row.status,
        metrics: change.metrics !== undefined ? copy(change.metrics) : row.metrics,
        artifacts: change.artifacts !== undefined ? copy(change.artifacts) : row.artifacts,
      };
      models.replace(tx, next);
      return modelOf(next);
    },
    async get(tenantId, id) {
      same(tenantId);
      const row = find(id);
      return row ? modelOf(row) : null;
    },
    async list(tenantId, filter = {}) {
      same(tenantId);
      return models
        .select(tx.tenantId, (m) => (filter.type === undefined || m.type === filter.type) && (filter.status === undefined || m.status === filter.status))
        .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.version - b.version))
        .map(modelOf);
    },
    async getDeployed(tenantId, type) {
      same(tenantId);
      const row = models.find(tx.tenantId, (m) => m.type === type && m.status === "deployed");
      return row ? modelOf(row) : null;
    },
    async deploy(tenantId, id, at = new Date()) {
      same(tenantId);
      const row = mustFind(id);
      if (row.status === "training") throw new InvalidModelStateError(`model ${id} is still training`);
      if (row.status === "deployed") return modelOf(row);
      for (const other of models.select(tx.tenantId, (m) => m.type === row.type && m.status === "deployed")) models.replace(tx, { ...other, status: "archived" });
      const deployed: ModelRow = { ...row, status: "deployed", deployed_at: at.toISOString() };
      models.replace(tx, deployed);
      return modelOf(deployed);
    },
    async logPrediction(tenantId, prediction) {
      same(tenantId);
      const model = mustFind(prediction.model_id);
      const row: PredictionRow = {
        id: predictions.nextId(),
        model: model.id,
        input: copy(prediction.input),
        output: copy(prediction.output),
        created_at: (prediction.at ?? new Date()).toISOString(),
        feedback: null,
      };
      predictions.insert(tx, row);
      return predictionOf(row);
    },
    async recordFeedback(tenantId, predictionId, feedback: { readonly actual: JsonValue; readonly at?: Date }) {
      same(tenantId);
      const row = findPrediction(predictionId);
      const next: PredictionRow = { ...row, feedback: { actual: copy(feedback.actual), created_at: (feedback.at ?? new Date()).toISOString() } };
      predictions.replace(tx, next);
      return predictionOf(next);
    },
    async listPredictions(tenantId, modelId, options = {}) {
      same(tenantId);
      const model = mustFind(modelId);
      const rows = predictions
        .select(tx.tenantId, (p) => p.model === model.id && (!options.withFeedback || p.feedback !== null))
        .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id - b.id));
      return (options.limit !== undefined ? rows.slice(0, options.limit) : rows).map(predictionOf);
    },
  };
};
