/**
 * @epca/ml/use-cases — the model registry, the allocation model's training, predictions and their
 * feedback as use cases over a host (`epca.extend(mlUseCases)`), for servers: they read employees,
 * projects, allocations and timesheets through core's use cases and the registry through the
 * scope part `modelRegistry` (memory or PostgreSQL adapters).
 *
 * @packageDocumentation
 */
import { authorize, chargeStorage, EpcaError, type Actor, type Epca, type TenantScope, type UseCaseHost } from "@epca/core";
import type { TfBackend } from "../allocation/backend.js";
export type { TfBackend } from "../allocation/backend.js";
export {
  FORECAST_ARTIFACTS_FORMAT,
  FORECAST_MODEL_TYPE,
  forecastModelUseCases,
  type DeployedForecastSelection,
  type ForecastArtifacts,
  type ForecastModelUseCases,
  type ForecastRegistration,
} from "./forecast-models.js";
import type { AllocationModel } from "../allocation/model.js";
import type { RankedAlternative } from "../allocation/predict.js";
import type { AllocationEmployee, AllocationHistory, AllocationPrediction, AllocationProject, MonthlyHours } from "../allocation/types.js";
import { ModelNotFoundError } from "../errors.js";
import type { JsonValue, ModelRecord, ModelRegistry, PredictionRecord } from "../ports.js";
import { liveErrorMetrics, shouldRetrain, type LiveErrorMetrics, type RetrainDecision } from "../registry/live-metrics.js";

/** The scope part the use cases need. */
export interface ModelRegistryScope {
  readonly modelRegistry: ModelRegistry;
}

/** The model type of the allocation model. */
export const ALLOCATION_MODEL_TYPE = "allocation";
/** The hyperparameter naming the job that trains a model (unique per tenant and type in the PostgreSQL part). */
export const TRAINING_JOB_HYPERPARAMETER = "training_job";
/** The hyperparameter naming the TensorFlow.js backend (`wasm` or `cpu`) that trained a model. */
export const BACKEND_HYPERPARAMETER = "backend";
/** Job types these use cases enqueue and their handlers run. */
export const ML_JOB_TYPES = { train: "ml.train", retrainCheck: "ml.retrain-check" } as const;

/** What a training job is asked for. */
export interface TrainingRequest {
  /** Most epochs (10–1000, default 100); early stopping may end sooner. */
  readonly epochs?: number;
  /** Months of allocations before now to learn from (1–120, default all). */
  readonly months?: number;
}

/** What a training job reports each epoch. */
export type TrainingProgress = (epoch: number, totalEpochs: number, message: string) => Promise<void>;

/** A prediction request: the pair and the planned window. */
export interface AllocationPredictionRequest {
  readonly employee_id: number;
  readonly project_id: number;
  /** Skills the project asks for (besides those of its earlier members). */
  readonly required_skills?: readonly string[];
  /** ISO dates of the planned allocation; default from today to the project's estimated end. */
  readonly start_date?: string;
  readonly end_date?: string;
  /** Alternatives listed (default 5). */
  readonly alternatives?: number;
}

/** The actual outcome of a predicted allocation. */
export interface AllocationFeedback {
  readonly actual_allocation?: number;
  readonly actual_hours?: number;
  readonly finished_on_time?: boolean;
}

/** A model's validation and live figures, and whether it should be retrained. */
export interface ModelMetrics {
  readonly model: Omit<ModelRecord, "artifacts">;
  readonly validation: ModelRecord["metrics"];
  readonly predictions: number;
  readonly live: LiveErrorMetrics;
  readonly retrain: RetrainDecision;
}

/** The registry use cases. */
export interface MlUseCases {
  /** Models of the tenant (without artifacts), by type then version. */
  listModels(actor: Actor, filter?: { type?: string }): Promise<Omit<ModelRecord, "artifacts">[]>;
  /** One model with its artifacts (to load it elsewhere, e.g. in a browser). */
  getModel(actor: Actor, id: string): Promise<ModelRecord>;
  /** Deploys a model; the previously deployed model of its type is archived. */
  deploy(actor: Actor, id: string): Promise<Omit<ModelRecord, "artifacts">>;
  /** Validation metrics and live error of every deployed model, with the retrain decision. */
  metrics(actor: Actor, options: { retrainDays: number; now?: Date }): Promise<ModelMetrics[]>;
  /** Predicts with the deployed allocation model and logs the prediction. */
  predict(actor: Actor, request: AllocationPredictionRequest): Promise<{ prediction: PredictionRecord; model: Omit<ModelRecord, "artifacts">; figures: AllocationPrediction; alternatives: RankedAlternative[] }>;
  /** Records the actual outcome of a logged prediction. */
  feedback(actor: Actor, predictionId: string, feedback: AllocationFeedback): Promise<PredictionRecord>;
  /**
   * Trains the allocation model for a job: saves (or, for a retried job, finds again) the model
   * of `trainingKey` (the job's own key, kept in its payload) while it trains, reports each epoch,
   * stores artifacts and validation metrics.
   */
  train(actor: Actor, trainingKey: string, request: TrainingRequest, progress: TrainingProgress, signal?: AbortSignal): Promise<Omit<ModelRecord, "artifacts">>;
  /** Enqueues a retraining of every deployed model that is stale or drifts; answers the decisions. */
  checkRetraining(actor: Actor, options: { retrainDays: number; now?: Date }): Promise<{ model_id: string; decision: RetrainDecision; job_id: string | null }[]>;
}

/** TensorFlow.js is loaded on first use only, so that a server starts without it. */
const allocation = () => import("../allocation/index.js");

const withoutArtifacts = ({ artifacts: _artifacts, ...rest }: ModelRecord): Omit<ModelRecord, "artifacts"> => rest;

/** Every item of a paged core list. */
async function all<T>(page: (p: { skip: number; limit: number }) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const out: T[] = [];
  for (let skip = 0; ; skip += 1000) {
    const result = await page({ skip, limit: 1000 });
    out.push(...result.items);
    if (skip + 1000 >= result.total || result.items.length === 0) return out;
  }
}

/** The history the allocation model reads, through core's use cases. */
async function allocationHistory(epca: Epca, actor: Actor): Promise<AllocationHistory> {
  const [employees, projects, allocations, timesheets] = await Promise.all([
    all((p) => epca.employees.list(actor, {}, p)),
    all((p) => epca.projects.list(actor, {}, p)),
    all((p) => epca.allocations.list(actor, {}, p)),
    all((p) => epca.timesheets.list(actor, {}, p)),
  ]);
  const monthly = new Map<string, MonthlyHours>();
  for (const t of timesheets) {
    if (t.status === "rejected") continue;
    const key = `${t.employee_id}|${t.project_id}|${t.date.slice(0, 7)}`;
    const row = monthly.get(key);
    monthly.set(key, { employee_id: t.employee_id, project_id: t.project_id, month: t.date.slice(0, 7), hours: (row?.hours ?? 0) + t.hours_worked });
  }
  return {
    employees: employees.map((e): AllocationEmployee => ({ id: e.id, skills: e.skills, salary: e.salary ?? 0, hire_date: e.hire_date ?? null })),
    projects: projects.map(
      (p): AllocationProject => ({
        id: p.id,
        status: p.status,
        cost: p.cost,
        revenue: p.revenue,
        completion_percentage: p.completion_percentage,
        start_date: p.start_date ?? null,
        end_date: p.end_date ?? null,
        estimated_end_date: p.estimated_end_date ?? null,
      }),
    ),
    allocations: allocations.map((a) => ({ employee_id: a.employee_id, project_id: a.project_id, allocation_percentage: a.allocation_percentage, allocated_hours: a.allocated_hours, start_date: a.start_date, end_date: a.end_date })),
    timesheets: [...monthly.values()],
  };
}

/** How the use cases start TensorFlow.js (see {@link preferMlBackend}). */
export interface MlBackendOptions {
  /**
   * Where the WebAssembly files are (in Node `nodeWasmDirectory()` of `@epca/ml/node`, in a
   * browser a URL prefix ending in `/`): the wasm backend, falling back to cpu when it cannot
   * start. Without it, the CPU backend.
   */
  readonly wasmPaths?: string;
  /** Called once, with the backend in use, when it has started. */
  readonly onReady?: (backend: TfBackend) => void;
}

let preferred: MlBackendOptions = {};
let backend: Promise<TfBackend> | null = null;
let started: TfBackend | null = null;

/**
 * Chooses the backend the use cases start on first use, without loading TensorFlow.js (a server
 * calls it when it mounts its routes). No effect once the backend has started.
 */
export function preferMlBackend(options: MlBackendOptions): void {
  if (!backend) preferred = options;
}

/**
 * Starts the allocation model's backend once (the options given here, else those of
 * {@link preferMlBackend}, else the CPU backend) and answers the one in use: `wasm` only when the
 * WebAssembly backend started, `cpu` otherwise. Later calls answer the same backend.
 */
export function useMlBackend(options?: MlBackendOptions): Promise<TfBackend> {
  backend ??= (async () => {
    const chosen = options ?? preferred;
    const { useBackend } = await allocation();
    const inUse = chosen.wasmPaths ? await useBackend("wasm", { wasmPaths: chosen.wasmPaths }) : await useBackend("cpu");
    started = inUse;
    chosen.onReady?.(inUse);
    return inUse;
  })();
  return backend;
}

/** The backend {@link useMlBackend} started, or null before the first training or prediction. */
export function mlBackendInUse(): TfBackend | null {
  return started;
}

/**
 * Builds the ML use cases over a host whose scope has the `modelRegistry` part; without it every
 * call fails with `model_registry_unavailable`.
 */
export function mlUseCases(host: UseCaseHost<TenantScope & Partial<ModelRegistryScope>>): MlUseCases {
  const loaded = new Map<string, Promise<AllocationModel>>();
  const registry = <T>(actor: Actor, work: (r: ModelRegistry, scope: TenantScope) => Promise<T>): Promise<T> =>
    host.run(actor.tenantId, (scope) => {
      if (!scope.modelRegistry) throw new EpcaError("model_registry_unavailable", "This server's store keeps no model registry");
      return work(scope.modelRegistry, scope);
    });
  const modelOf = (record: ModelRecord): Promise<AllocationModel> => {
    const key = `${record.tenant_id}|${record.id}`;
    let model = loaded.get(key);
    if (!model) {
      model = useMlBackend().then(async () => (await allocation()).loadAllocationModel(record.artifacts));
      model.catch(() => loaded.delete(key));
      loaded.set(key, model);
    }
    return model;
  };
  const metricsOf = async (actor: Actor, models: ModelRecord[], retrainDays: number, now: Date): Promise<ModelMetrics[]> => {
    const out: ModelMetrics[] = [];
    for (const model of models) {
      const predictions = await registry(actor, (r) => r.listPredictions(actor.tenantId, model.id));
      const live = liveErrorMetrics(predictions);
      const hours = live.estimated_hours;
      const validation = model.metrics.mae_hours ?? null;
      const retrain = shouldRetrain({ deployedAt: model.deployed_at, retrainDays, liveError: hours?.mae ?? null, validationError: validation, feedbackCount: hours?.count ?? 0, now });
      out.push({ model: withoutArtifacts(model), validation: model.metrics, predictions: predictions.length, live, retrain });
    }
    return out;
  };

  return {
    async listModels(actor, filter = {}) {
      authorize(actor, "read", "ml");
      return (await registry(actor, (r) => r.list(actor.tenantId, filter.type ? { type: filter.type } : {}))).map(withoutArtifacts);
    },
    async getModel(actor, id) {
      authorize(actor, "read", "ml");
      const model = await registry(actor, (r) => r.get(actor.tenantId, id));
      if (!model) throw new ModelNotFoundError(id);
      return model;
    },
    async deploy(actor, id) {
      authorize(actor, "deploy", "ml");
      return withoutArtifacts(await registry(actor, (r) => r.deploy(actor.tenantId, id, host.clock.now())));
    },
    async metrics(actor, options) {
      authorize(actor, "read", "ml");
      const deployed = await registry(actor, (r) => r.list(actor.tenantId, { status: "deployed" }));
      return metricsOf(actor, deployed, options.retrainDays, options.now ?? host.clock.now());
    },
    async predict(actor, request) {
      authorize(actor, "predict", "ml");
      const record = await registry(actor, (r) => r.getDeployed(actor.tenantId, ALLOCATION_MODEL_TYPE));
      if (!record) throw new EpcaError("no_deployed_model", "No allocation model is deployed; train one and deploy it first");
      const [employee, project, history] = await Promise.all([
        host.epca.employees.get(actor, request.employee_id),
        host.epca.projects.get(actor, request.project_id),
        allocationHistory(host.epca, actor),
      ]);
      const model = await modelOf(record);
      const { predictAllocation, rankAlternatives } = await allocation();
      const asEmployee = history.employees.find((e) => e.id === employee.id)!;
      const asProject = { ...history.projects.find((p) => p.id === project.id)!, ...(request.required_skills ? { skills: request.required_skills } : {}) };
      const window = request.start_date ? { start_date: request.start_date, ...(request.end_date ? { end_date: request.end_date } : {}) } : undefined;
      const context = { history, ...(window ? { window } : {}) };
      const figures = predictAllocation(model, asEmployee, asProject, context);
      const active = new Set((await all((p) => host.epca.employees.list(actor, { is_active: true }, p))).map((e) => e.id));
      const alternatives = rankAlternatives(
        model,
        history.employees.filter((e) => active.has(Number(e.id))),
        asProject,
        { ...context, exclude: [employee.id], limit: request.alternatives ?? 5 },
      );
      const input: JsonValue = { employee_id: request.employee_id, project_id: request.project_id, required_skills: [...(request.required_skills ?? [])], start_date: request.start_date ?? null, end_date: request.end_date ?? null };
      const output: JsonValue = { ...figures };
      const prediction = await registry(actor, (r) => r.logPrediction(actor.tenantId, { model_id: record.id, input, output, at: host.clock.now() }));
      return { prediction, model: withoutArtifacts(record), figures, alternatives };
    },
    async feedback(actor, predictionId, feedback) {
      authorize(actor, "predict", "ml");
      const actual: Record<string, number> = {};
      if (feedback.actual_allocation !== undefined) actual.recommended_allocation = feedback.actual_allocation;
      if (feedback.actual_hours !== undefined) actual.estimated_hours = feedback.actual_hours;
      if (feedback.finished_on_time !== undefined) actual.success_probability = feedback.finished_on_time ? 1 : 0;
      return registry(actor, (r) => r.recordFeedback(actor.tenantId, predictionId, { actual, at: host.clock.now() }));
    },
    async train(actor, trainingKey, request, progress, signal) {
      authorize(actor, "train", "ml");
      const epochs = request.epochs ?? 100;
      await useMlBackend();
      const { activeBackend } = await allocation();
      // The backend that trains it (wasm or cpu), as TensorFlow.js reports it now.
      const hyperparameters = { [TRAINING_JOB_HYPERPARAMETER]: trainingKey, epochs, months: request.months ?? null, [BACKEND_HYPERPARAMETER]: activeBackend() };
      // A retried job (its worker died mid-training) finds its model again: one version per job.
      const record = await registry(actor, async (r) => {
        const mine = (await r.list(actor.tenantId, { type: ALLOCATION_MODEL_TYPE })).find((m) => m.hyperparameters[TRAINING_JOB_HYPERPARAMETER] === trainingKey);
        return mine ?? r.save(actor.tenantId, { type: ALLOCATION_MODEL_TYPE, status: "training", hyperparameters });
      });
      if (record.status !== "training") return withoutArtifacts(record);
      let history = await allocationHistory(host.epca, actor);
      const now = host.clock.now();
      if (request.months !== undefined) {
        const since = new Date(now.getTime() - request.months * 30.44 * 86_400_000).toISOString().slice(0, 10);
        history = { ...history, allocations: history.allocations.filter((a) => a.start_date >= since) };
      }
      const { trainAllocationModel, saveAllocationModel } = await allocation();
      let reported: Promise<void> = progress(0, epochs, "training started");
      const model = await trainAllocationModel(history, {
        epochs,
        now: now.toISOString().slice(0, 10),
        onEpoch: (epoch, logs) => {
          reported = reported.then(() => progress(epoch, epochs, `epoch ${epoch}: loss ${logs.loss.toFixed(4)}, val_loss ${logs.val_loss.toFixed(4)}`));
        },
        ...(signal ? { signal } : {}),
      });
      await reported;
      const artifacts = (await saveAllocationModel(model)) as unknown as JsonValue;
      model.network.dispose();
      const metrics = { ...model.metrics };
      // The artifacts count against `max_storage_gb`, checked and charged in the unit of work that stores them.
      const artifactBytes = new TextEncoder().encode(JSON.stringify(artifacts)).byteLength;
      const saved = await registry(actor, async (r, scope) => {
        await chargeStorage(scope, artifactBytes, host.clock.now().toISOString().slice(0, 10));
        return r.update(actor.tenantId, record.id, { status: "validated", metrics, artifacts });
      });
      await progress(epochs, epochs, `trained: ${model.metrics.epochs_run} epochs run, best ${model.metrics.best_epoch}`);
      return withoutArtifacts(saved);
    },
    async checkRetraining(actor, options) {
      authorize(actor, "train", "ml");
      const now = options.now ?? host.clock.now();
      const deployed = await registry(actor, (r) => r.list(actor.tenantId, { status: "deployed", type: ALLOCATION_MODEL_TYPE }));
      const out: { model_id: string; decision: RetrainDecision; job_id: string | null }[] = [];
      for (const m of await metricsOf(actor, deployed, options.retrainDays, now)) {
        let jobId: string | null = null;
        if (m.retrain.retrain) {
          const epochs = Number(m.model.hyperparameters.epochs ?? 100);
          const key = `retrain:${m.model.id}:${m.retrain.reason}:${now.toISOString().slice(0, 10)}`;
          const job = await host.epca.jobs.enqueue(actor, {
            type: ML_JOB_TYPES.train,
            payload: { epochs, training_key: key, reason: m.retrain.reason, replaces: m.model.id },
            idempotencyKey: key,
          });
          jobId = job.id;
        }
        out.push({ model_id: m.model.id, decision: m.retrain, job_id: jobId });
      }
      return out;
    },
  };
}

