import { NotFoundError, systemActor, type Job } from "@epca/core";
import { ML_JOB_TYPES, mlBackendInUse, mlUseCases } from "@epca/ml/use-cases";
import { z } from "zod";
import type { ModuleJob, ServerModule } from "../http/module.js";
import { named } from "../http/openapi.js";
import { idParams } from "../http/params.js";
import { API_BASE_PATH, ok } from "../http/replies.js";
import type { RouteTable } from "../http/route-table.js";
import { preferWasmMlBackend } from "./ml-backend.js";

const tags = ["ml"];

/** `snake_case` keys to `camelCase`, deeply (the seed-003 routes' casing); ids of records become integers. */
function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), camel(v)]));
}
const intId = (id: string) => (/^\d+$/.test(id) ? Number(id) : id);
/** The seed-003 envelope. */
const envelope = (data: unknown) => ({ success: true as const, data });

function modelBody(model: { id: string; tenant_id: string } & Record<string, unknown>) {
  const { tenant_id: _tenant, id, ...rest } = model;
  return { id: intId(id), ...(camel(rest) as object) };
}

function trainingJobBody(job: Job) {
  const progress = job.progress as { done?: number; total?: number | null; message?: string | null } | null;
  const result = job.result as { id?: string } | null;
  return {
    jobId: job.id,
    status: job.status,
    progress: { epoch: progress?.done ?? 0, totalEpochs: progress?.total ?? null, message: progress?.message ?? null },
    modelId: result?.id !== undefined ? intId(result.id) : null,
    result: result === null ? null : camel(result),
    error: job.error,
    attempts: job.attempts,
    createdAt: job.created_at,
    startedAt: job.started_at,
    finishedAt: job.finished_at,
  };
}

const Envelope = <T extends z.ZodType>(data: T, name: string) => named(z.object({ success: z.literal(true), data }), name);
const Model = z
  .object({
    id: z.number().int(),
    type: z.string(),
    version: z.number().int(),
    status: z.enum(["training", "trained", "validated", "deployed", "archived"]),
    metrics: z.record(z.string(), z.number().nullable()).describe("Validation figures measured on the latest examples by time (held out)."),
    hyperparameters: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    deployedAt: z.string().nullable(),
  })
  .describe("A model version (its artifacts: `GET /ml/models/{model_id}/artifacts`).");
const TrainingJob = z.object({
  jobId: z.string(),
  status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]),
  progress: z.object({ epoch: z.number(), totalEpochs: z.number().nullable(), message: z.string().nullable() }),
  modelId: z.number().int().nullable().describe("The model the job trained, once it succeeded."),
  result: z.unknown(),
  error: z.string().nullable(),
  attempts: z.number().int(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
const Figures = {
  recommendedAllocation: z.number().describe("Allocation percentage, 0–100."),
  estimatedHours: z.number().describe("Hours over the planned window."),
  successProbability: z.number().describe("Probability (0–1) that the project finishes by its estimated end."),
};
const Prediction = z.object({
  predictionId: z.number().int(),
  modelId: z.number().int(),
  modelVersion: z.number().int(),
  ...Figures,
  validation: z.record(z.string(), z.number().nullable()).describe("The model's validation figures: how far off these figures were on held-out allocations."),
  alternativeOptions: z.array(z.object({ employeeId: z.number().int(), skillCoverage: z.number(), ...Figures })).describe("Other active employees, best success probability first."),
});
const LoggedPrediction = z.object({ id: z.number().int(), modelId: z.number().int(), input: z.unknown(), output: z.unknown(), createdAt: z.string(), feedback: z.object({ actual: z.unknown(), createdAt: z.string() }).nullable() });
const LiveFigure = z.object({ count: z.number().int(), mae: z.number(), rmse: z.number(), bias: z.number() });
const Metrics = z.object({
  models: z.array(
    z.object({
      model: Model,
      validation: z.record(z.string(), z.number().nullable()),
      predictions: z.number().int().describe("Predictions logged with this model."),
      live: z.record(z.string(), LiveFigure).describe("Error of each figure over the predictions that received feedback."),
      retrain: z.object({ retrain: z.boolean(), reason: z.enum(["stale", "drift"]).nullable(), ageDays: z.number().nullable(), errorRatio: z.number().nullable() }),
    }),
  ),
  retrainDays: z.number().int(),
  backend: z.enum(["wasm", "cpu"]).nullable().describe("The TensorFlow.js backend this process trains and predicts on (null until its first training or prediction); each model's `hyperparameters.backend` names the one that trained it."),
});

const trainingBody = z.object({
  months: z.number().int().min(1).max(120).optional().describe("Learn from allocations that started in the last `months` months (default all)."),
  epochs: z.number().int().min(10).max(1000).optional().describe("Most epochs (default 100); early stopping may stop sooner."),
});
const date = z.iso.date();
const predictionBody = z.object({
  employeeId: z.number().int().positive(),
  projectId: z.number().int().positive(),
  requiredSkills: z.array(z.string().min(1).max(100)).max(50).optional(),
  startDate: date.optional().describe("Start of the planned allocation (default today)."),
  endDate: date.optional().describe("End of the planned allocation (default the project's estimated end)."),
});
const feedbackBody = z
  .object({
    actualAllocation: z.number().min(0).max(100).optional(),
    actualHours: z.number().min(0).max(1_000_000).optional(),
    finishedOnTime: z.boolean().optional(),
  })
  .refine((b) => b.actualAllocation !== undefined || b.actualHours !== undefined || b.finishedOnTime !== undefined, { message: "Give at least one actual figure" });

/** `/ml`: the ML pipeline of spec 003 ("ML Pipeline Routes"), its `{success, data}` envelope and camelCase (contract section 7). */
function routes(api: RouteTable): void {
  const retrainDays = api.config.MODEL_RETRAIN_DAYS;
  preferWasmMlBackend(api.logger);

  api.define(
    {
      method: "post",
      path: "/ml/training/jobs",
      summary: "Start a training job",
      description: "Trains the allocation model as a background job; follow it at `GET /ml/training/jobs/{job_id}` (progress per epoch). The trained model is `validated`, with its validation metrics; deploy it to use it.",
      tags,
      permission: { action: "train", resource: "ml" },
      request: { body: trainingBody },
      errors: { 403: "The user's role does not allow this, the tenant is suspended, or this month's training time (`ml_training_hours`) is used up" },
      responses: { 202: { description: "The job is queued", schema: Envelope(z.object({ jobId: z.string(), status: z.string() }), "MlTrainingStarted"), headers: ["Location"] } },
    },
    async ({ epca, actor, body, req }) => {
      // 403 naming `ml_training_hours` when this month's training time is used up (the job checks again when it starts).
      await epca.tenants.checkTrainingTime(actor);
      const key = globalThis.crypto.randomUUID();
      const job = await epca.jobs.enqueue(actor, { type: ML_JOB_TYPES.train, payload: { epochs: body.epochs ?? 100, months: body.months ?? null, training_key: key } });
      return { status: 202, body: envelope({ jobId: job.id, status: job.status }), headers: { Location: `${req.baseUrl}${API_BASE_PATH}/ml/training/jobs/${job.id}` } };
    },
  );

  api.define(
    {
      method: "get",
      path: "/ml/training/jobs/{job_id}",
      summary: "Get a training job",
      description: "Status, progress (`epoch` of `totalEpochs`) and, once succeeded, the trained model's id. Visible, like every job (`GET /jobs/{job_id}`), to the user who started it and to admins; to anyone else it does not exist (404).",
      tags,
      permission: { action: "read", resource: "ml" },
      request: { params: z.object({ job_id: z.string().min(1).max(64) }) },
      responses: { 200: { description: "The job", schema: Envelope(TrainingJob, "MlTrainingJob") } },
    },
    async ({ epca, actor, params }) => {
      // The same rule as `GET /jobs/{job_id}`: the user who started the job, and admins (a grant over all jobs); anyone else 404.
      const job = await epca.jobs.get(actor, params.job_id);
      if (job.type !== ML_JOB_TYPES.train) throw new NotFoundError("job", params.job_id);
      return ok(envelope(trainingJobBody(job)));
    },
  );

  api.define(
    {
      method: "get",
      path: "/ml/models",
      summary: "List models",
      description: "Every model version of the tenant, by type then version.",
      tags,
      permission: { action: "read", resource: "ml" },
      request: { query: z.object({ type: z.string().min(1).max(50).optional() }) },
      responses: { 200: { description: "The models", schema: Envelope(z.array(Model), "MlModels") } },
    },
    async ({ epca, actor, query }) => ok(envelope((await epca.extend(mlUseCases).listModels(actor, query.type ? { type: query.type } : {})).map(modelBody))),
  );

  api.define(
    {
      method: "get",
      path: "/ml/models/{model_id}/artifacts",
      summary: "Download a model's artifacts",
      description: "The serialized model (`artifacts`, as `loadAllocationModel` of `@epca/ml/allocation` reads it), to run it elsewhere, e.g. in a browser.",
      tags,
      permission: { action: "read", resource: "ml" },
      request: { params: idParams("model_id") },
      responses: { 200: { description: "The artifacts", schema: Envelope(z.object({ id: z.number().int(), type: z.string(), version: z.number().int(), status: z.string(), artifacts: z.unknown() }), "MlModelArtifacts") } },
    },
    async ({ epca, actor, params }) => {
      const model = await epca.extend(mlUseCases).getModel(actor, String(params.model_id));
      return ok(envelope({ id: intId(model.id), type: model.type, version: model.version, status: model.status, artifacts: model.artifacts }));
    },
  );

  api.define(
    {
      method: "post",
      path: "/ml/models/{model_id}/deploy",
      summary: "Deploy a model",
      description: "Makes the model the one predictions use; the model of the same type deployed before is archived. A model still training cannot be deployed (409).",
      tags,
      permission: { action: "deploy", resource: "ml" },
      request: { params: idParams("model_id") },
      conflicts: "The model is still training",
      responses: { 200: { description: "The deployed model", schema: Envelope(Model, "MlDeployedModel") } },
    },
    async ({ epca, actor, params }) => ok(envelope(modelBody(await epca.extend(mlUseCases).deploy(actor, String(params.model_id))))),
  );

  api.define(
    {
      method: "get",
      path: "/ml/metrics",
      summary: "Model metrics",
      description: `For every deployed model: its validation metrics, its live error from the feedback on its predictions, and whether it is due for retraining (older than MODEL_RETRAIN_DAYS = ${retrainDays}, or live error of the hours above 1.25 × the validation error over at least 20 feedbacks).`,
      tags,
      permission: { action: "read", resource: "ml" },
      responses: { 200: { description: "The metrics", schema: Envelope(Metrics, "MlMetrics") } },
    },
    async ({ epca, actor }) => {
      const models = await epca.extend(mlUseCases).metrics(actor, { retrainDays });
      return ok(envelope({ models: models.map((m) => ({ ...(camel(m) as object), model: modelBody(m.model) })), retrainDays, backend: mlBackendInUse() }));
    },
  );

  api.define(
    {
      method: "post",
      path: "/ml/predictions",
      summary: "Predict an allocation",
      description:
        "With the deployed allocation model: the allocation percentage, the hours and the probability of finishing on time for an employee on a project, and other employees ranked. Every prediction is logged; report the outcome at `POST /ml/predictions/{prediction_id}/feedback`. No deployed model: 409.",
      tags,
      permission: { action: "predict", resource: "ml" },
      request: { body: predictionBody },
      conflicts: "No allocation model is deployed",
      errors: { 404: "The employee or project does not exist" },
      responses: { 200: { description: "The prediction", schema: Envelope(Prediction, "MlPrediction") } },
    },
    async ({ epca, actor, body }) => {
      const result = await epca.extend(mlUseCases).predict(actor, {
        employee_id: body.employeeId,
        project_id: body.projectId,
        ...(body.requiredSkills ? { required_skills: body.requiredSkills } : {}),
        ...(body.startDate ? { start_date: body.startDate } : {}),
        ...(body.endDate ? { end_date: body.endDate } : {}),
      });
      api.metrics.countPrediction("allocation", result);
      epca.tenants.countUsage(actor.tenantId, "predictions", 1, actor.userId);
      return ok(
        envelope({
          predictionId: intId(result.prediction.id),
          modelId: intId(result.model.id),
          modelVersion: result.model.version,
          recommendedAllocation: result.figures.recommended_allocation,
          estimatedHours: result.figures.estimated_hours,
          successProbability: result.figures.success_probability,
          validation: camel(result.model.metrics),
          alternativeOptions: result.alternatives.map((a) => camel(a)),
        }),
      );
    },
  );

  api.define(
    {
      method: "post",
      path: "/ml/predictions/{prediction_id}/feedback",
      summary: "Report a prediction's outcome",
      description: "The actual allocation, hours or on-time outcome of a logged prediction (a later report replaces an earlier one); `/ml/metrics` computes the live error from these.",
      tags,
      permission: { action: "predict", resource: "ml" },
      request: { params: idParams("prediction_id"), body: feedbackBody },
      responses: { 200: { description: "The prediction with its feedback", schema: Envelope(LoggedPrediction, "MlPredictionFeedback") } },
    },
    async ({ epca, actor, params, body }) => {
      const p = await epca.extend(mlUseCases).feedback(actor, String(params.prediction_id), {
        ...(body.actualAllocation !== undefined ? { actual_allocation: body.actualAllocation } : {}),
        ...(body.actualHours !== undefined ? { actual_hours: body.actualHours } : {}),
        ...(body.finishedOnTime !== undefined ? { finished_on_time: body.finishedOnTime } : {}),
      });
      return ok(envelope({ id: intId(p.id), modelId: intId(p.model_id), input: p.input, output: p.output, createdAt: p.created_at, feedback: p.feedback ? { actual: p.feedback.actual, createdAt: p.feedback.created_at } : null }));
    },
  );
}

/** `ml.train`: trains the allocation model, one epoch of progress at a time; a retry finds the model it began. */
async function trainJob(job: ModuleJob): Promise<unknown> {
  const { epochs = 100, months = null, training_key } = (job.payload ?? {}) as { epochs?: number; months?: number | null; training_key?: string };
  const key = training_key ?? `job:${JSON.stringify(job.payload)}`;
  const actor = systemActor(job.tenantId);
  preferWasmMlBackend();
  // `ml_training_hours`: refused when the month's time is used up (the job fails naming the limit);
  // the measured duration is charged when the training ends, however it ends.
  await job.epca.tenants.checkTrainingTime(actor);
  const started = performance.now();
  let model: Awaited<ReturnType<ReturnType<typeof mlUseCases>["train"]>>;
  try {
    model = await job.epca.extend(mlUseCases).train(
      actor,
      key,
      { epochs, ...(months !== null ? { months } : {}) },
      (epoch, total, message) => job.progress(epoch, total, message),
      job.signal,
    );
  } finally {
    await job.epca.tenants.recordTrainingTime(actor, (performance.now() - started) / 1000);
  }
  return { id: model.id, type: model.type, version: model.version, status: model.status, metrics: model.metrics };
}

/** `ml.retrain-check`: enqueues a retraining of each deployed model that is stale or drifts (a schedule runs it daily). */
async function retrainCheckJob(job: ModuleJob): Promise<unknown> {
  const { retrain_days = 7 } = (job.payload ?? {}) as { retrain_days?: number };
  return { checked: await job.epca.extend(mlUseCases).checkRetraining(systemActor(job.tenantId), { retrainDays: retrain_days }) };
}

/** The `ml` module: model registry, training jobs, allocation predictions and their feedback. */
export const mlModule: ServerModule = {
  name: "ml",
  tags: [{ name: "ml", description: "The ML pipeline of spec 003: training jobs, model registry, allocation predictions, feedback and live metrics (`{success, data}` envelope, camelCase)." }],
  errorStatuses: {
    model_not_found: 404,
    prediction_not_found: 404,
    invalid_model_state: 409,
    no_deployed_model: 409,
    model_registry_unavailable: 503,
    insufficient_training_data: 422,
  },
  jobs: { [ML_JOB_TYPES.train]: trainJob, [ML_JOB_TYPES.retrainCheck]: retrainCheckJob },
  routes,
};
