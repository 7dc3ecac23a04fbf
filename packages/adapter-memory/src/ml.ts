/**
 * @epca/adapter-memory/ml — `@epca/ml`'s `ModelRegistry` as a scope part of the memory store:
 * `createMemoryModelRegistry`'s logic (`createModelRegistryOver` of `@epca/ml`) over the store's
 * tables `ml_models` and `ml_predictions`, so its writes roll back with the transaction:
 * `createMemoryStore({ parts: { modelRegistry: memoryModelRegistry } })`.
 *
 * @packageDocumentation
 */
import { createModelRegistryOver, InvalidOptionsError, type ModelRecord, type ModelRegistry, type PredictionRecord } from "@epca/ml";
import type { MemoryScopePart } from "./store.js";
import type { Row } from "./table.js";

type ModelRow = Row & Omit<ModelRecord, "id">;
type PredictionRow = Row & Omit<PredictionRecord, "id">;

const ID = /^[1-9]\d{0,15}$/;
const modelOf = (row: ModelRow): ModelRecord => ({ ...row, id: String(row.id) });
const predictionOf = (row: PredictionRow): PredictionRecord => ({ ...row, id: String(row.id) });

/**
 * The registry of one transaction's tenant (ids are the tables' integers, as strings). Memory
 * transactions run one at a time, so saving the next version and deploying (archive the
 * previous, deploy this one) are atomic.
 */
export const memoryModelRegistry: MemoryScopePart<ModelRegistry> = (tx) => {
  const models = tx.table<ModelRow>("ml_models");
  const predictions = tx.table<PredictionRow>("ml_predictions");
  const row = <T extends Row>(table: { get(tenantId: string, id: number): T | undefined }, id: string) => (ID.test(id) ? table.get(tx.tenantId, Number(id)) : undefined);
  return createModelRegistryOver({
    enter(tenantId) {
      tx.assertOpen();
      if (tenantId !== tx.tenantId) throw new InvalidOptionsError(`this registry runs in tenant ${tx.tenantId}, not ${tenantId}`);
    },
    models: () => models.select(tx.tenantId).map(modelOf),
    model: (_tenantId, id) => {
      const found = row(models, id);
      return found ? modelOf(found) : undefined;
    },
    insertModel(model) {
      const stored: ModelRow = { ...model, id: models.nextId() };
      models.insert(tx, stored);
      return modelOf(stored);
    },
    replaceModel: (model) => models.replace(tx, { ...model, id: Number(model.id) }),
    predictions: () => predictions.select(tx.tenantId).map(predictionOf),
    prediction: (_tenantId, id) => {
      const found = row(predictions, id);
      return found ? predictionOf(found) : undefined;
    },
    insertPrediction(_tenantId, prediction) {
      const stored: PredictionRow = { ...prediction, id: predictions.nextId() };
      predictions.insert(tx, stored);
      return predictionOf(stored);
    },
    replacePrediction: (_tenantId, prediction) => predictions.replace(tx, { ...prediction, id: Number(prediction.id) }),
    now: () => tx.now(),
  });
};
