/**
 * @epca/adapter-postgres/ml — `@epca/ml`'s `ModelRegistry` on PostgreSQL and PGlite, as a scope
 * part (migration `0010_ml_models.sql`): `createPostgresStore({ parts: { modelRegistry: postgresModelRegistry } })`.
 *
 * @packageDocumentation
 */
import { InvalidModelStateError, InvalidOptionsError, ModelNotFoundError, PredictionNotFoundError } from "@epca/ml";
import type { JsonValue, ModelRecord, ModelRegistry, ModelStatus, PredictionRecord } from "@epca/ml";
import type { PostgresScopePart } from "./store.js";
import type { SqlExecutor } from "./sql-executor.js";
import { fromJson, toIsoString, toNullableIsoString } from "./values.js";

/**
 * The hyperparameter that names the job training a model. A model saved with it keeps it in the
 * unique `training_key` column, so that a retried training job (its worker died) cannot save a
 * second version: it finds its model again (`list` and this key) and a racing save fails.
 */
export const TRAINING_KEY_HYPERPARAMETER = "training_job";

type Row = Record<string, unknown>;
const MODEL_COLUMNS = "id, tenant_id, type, version, status, metrics, hyperparameters, convert_from(artifacts, 'UTF8') AS artifacts, created_at, deployed_at";
const PREDICTION_COLUMNS = "id, model_id, input, output, created_at, actual, feedback_at";
const ID = /^[1-9]\d{0,17}$/;

function modelOf(r: Row): ModelRecord {
  return {
    id: String(r.id),
    tenant_id: String(r.tenant_id),
    type: String(r.type),
    version: Number(r.version),
    status: r.status as ModelStatus,
    metrics: fromJson<ModelRecord["metrics"]>(r.metrics),
    hyperparameters: fromJson<ModelRecord["hyperparameters"]>(r.hyperparameters),
    artifacts: r.artifacts === null || r.artifacts === undefined ? null : (JSON.parse(String(r.artifacts)) as JsonValue),
    created_at: toIsoString(r.created_at),
    deployed_at: toNullableIsoString(r.deployed_at),
  };
}

function predictionOf(r: Row): PredictionRecord {
  return {
    id: String(r.id),
    model_id: String(r.model_id),
    input: fromJson<JsonValue>(r.input),
    output: fromJson<JsonValue>(r.output),
    created_at: toIsoString(r.created_at),
    feedback: r.feedback_at === null || r.feedback_at === undefined ? null : { actual: fromJson<JsonValue>(r.actual), created_at: toIsoString(r.feedback_at) },
  };
}

const json = (value: unknown) => JSON.stringify(value ?? null);

/** Serialises saves and deploys of one (tenant, type) for the rest of the transaction. */
async function lockType(sql: SqlExecutor, tenantId: string, type: string): Promise<void> {
  await sql.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7310))", [`ml_models:${tenantId}:${type}`]);
}

/**
 * The registry of one transaction's tenant (row-level security sees no other). Every method
 * takes the tenant id the port names; it must be the transaction's.
 */
export const postgresModelRegistry: PostgresScopePart<ModelRegistry> = (sql, scopeTenant) => {
  const same = (tenantId: string) => {
    if (tenantId !== scopeTenant) throw new InvalidOptionsError(`this registry runs in tenant ${scopeTenant}, not ${tenantId}`);
  };
  const find = async (id: string): Promise<ModelRecord | null> => {
    if (!ID.test(id)) return null;
    const { rows } = await sql.query<Row>(`SELECT ${MODEL_COLUMNS} FROM ml_models WHERE id = $1`, [id]);
    return rows[0] ? modelOf(rows[0]) : null;
  };
  const mustFind = async (id: string) => {
    const model = await find(id);
    if (!model) throw new ModelNotFoundError(id);
    return model;
  };

  return {
    async save(tenantId, model) {
      same(tenantId);
      if ((model.status as string | undefined) === "deployed") throw new InvalidModelStateError("save cannot deploy; use deploy");
      await lockType(sql, tenantId, model.type);
      const key = model.hyperparameters?.[TRAINING_KEY_HYPERPARAMETER];
      const { rows } = await sql.query<Row>(
        `INSERT INTO ml_models (type, version, status, metrics, hyperparameters, artifacts, training_key)
         SELECT $1, coalesce(max(version), 0) + 1, $2, $3::jsonb, $4::jsonb, CASE WHEN $5::text IS NULL THEN NULL ELSE convert_to($5::text, 'UTF8') END, $6
           FROM ml_models WHERE type = $1
         RETURNING ${MODEL_COLUMNS}`,
        [model.type, model.status ?? "training", json(model.metrics ?? {}), json(model.hyperparameters ?? {}), model.artifacts == null ? null : JSON.stringify(model.artifacts), typeof key === "string" ? key : null],
      );
      return modelOf(rows[0]!);
    },
    async update(tenantId, id, change) {
      same(tenantId);
      const model = await mustFind(id);
      if (change.status !== undefined && (change.status as string) === "deployed") throw new InvalidModelStateError("update cannot deploy; use deploy");
      if (change.status !== undefined && model.status === "deployed" && change.status !== "archived") {
        throw new InvalidModelStateError(`model ${id} is deployed; deploy another one or archive it`);
      }
      const { rows } = await sql.query<Row>(
        `UPDATE ml_models SET
           status = coalesce($2, status),
           metrics = CASE WHEN $3::boolean THEN $4::jsonb ELSE metrics END,
           artifacts = CASE WHEN $5::boolean THEN (CASE WHEN $6::text IS NULL THEN NULL ELSE convert_to($6::text, 'UTF8') END) ELSE artifacts END
         WHERE id = $1 RETURNING ${MODEL_COLUMNS}`,
        [
          id,
          change.status ?? null,
          change.metrics !== undefined,
          json(change.metrics ?? {}),
          change.artifacts !== undefined,
          change.artifacts == null ? null : JSON.stringify(change.artifacts),
        ],
      );
      return modelOf(rows[0]!);
    },
    async get(tenantId, id) {
      same(tenantId);
      return find(id);
    },
    async list(tenantId, filter = {}) {
      same(tenantId);
      const { rows } = await sql.query<Row>(
        `SELECT ${MODEL_COLUMNS} FROM ml_models WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR status = $2) ORDER BY type, version`,
        [filter.type ?? null, filter.status ?? null],
      );
      return rows.map(modelOf);
    },
    async getDeployed(tenantId, type) {
      same(tenantId);
      const { rows } = await sql.query<Row>(`SELECT ${MODEL_COLUMNS} FROM ml_models WHERE type = $1 AND status = 'deployed'`, [type]);
      return rows[0] ? modelOf(rows[0]) : null;
    },
    async deploy(tenantId, id, at = new Date()) {
      same(tenantId);
      const first = await mustFind(id);
      await lockType(sql, tenantId, first.type);
      const model = await mustFind(id);
      if (model.status === "training") throw new InvalidModelStateError(`model ${id} is still training`);
      if (model.status === "deployed") return model;
      await sql.query("UPDATE ml_models SET status = 'archived' WHERE type = $1 AND status = 'deployed'", [model.type]);
      const { rows } = await sql.query<Row>(`UPDATE ml_models SET status = 'deployed', deployed_at = $2 WHERE id = $1 RETURNING ${MODEL_COLUMNS}`, [id, at.toISOString()]);
      return modelOf(rows[0]!);
    },
    async logPrediction(tenantId, prediction) {
      same(tenantId);
      await mustFind(prediction.model_id);
      const { rows } = await sql.query<Row>(
        `INSERT INTO ml_predictions (model_id, input, output, created_at) VALUES ($1, $2::jsonb, $3::jsonb, $4) RETURNING ${PREDICTION_COLUMNS}`,
        [prediction.model_id, json(prediction.input), json(prediction.output), (prediction.at ?? new Date()).toISOString()],
      );
      return predictionOf(rows[0]!);
    },
    async recordFeedback(tenantId, predictionId, feedback) {
      same(tenantId);
      if (!ID.test(predictionId)) throw new PredictionNotFoundError(predictionId);
      const { rows } = await sql.query<Row>(
        `UPDATE ml_predictions SET actual = $2::jsonb, feedback_at = $3 WHERE id = $1 RETURNING ${PREDICTION_COLUMNS}`,
        [predictionId, json(feedback.actual), (feedback.at ?? new Date()).toISOString()],
      );
      if (!rows[0]) throw new PredictionNotFoundError(predictionId);
      return predictionOf(rows[0]);
    },
    async listPredictions(tenantId, modelId, options = {}) {
      same(tenantId);
      await mustFind(modelId);
      const { rows } = await sql.query<Row>(
        `SELECT ${PREDICTION_COLUMNS} FROM ml_predictions WHERE model_id = $1 AND (NOT $2::boolean OR feedback_at IS NOT NULL) ORDER BY created_at, id LIMIT $3`,
        [modelId, options.withFeedback === true, options.limit ?? null],
      );
      return rows.map(predictionOf);
    },
  };
};
