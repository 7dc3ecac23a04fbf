import type { EpcaStore, JobEvent, JobQueue } from "@epca/core";
import type { RequestHandler } from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The Prometheus metrics of one API instance, in their own registry (never the global one). */
export interface HttpMetrics {
  readonly registry: Registry;
  /** Counts requests and their duration by route template. */
  readonly middleware: RequestHandler;
  /** Wraps a store so that `database_connections_active` counts its open transactions. */
  instrumentStore(store: EpcaStore): EpcaStore;
}

/** Creates the registry with prom-client's defaults and the contract's HTTP metrics. */
export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests by method, route template and status code",
    labelNames: ["method", "endpoint", "status_code"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration by method and route template",
    labelNames: ["method", "endpoint"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const active = new Gauge({ name: "active_connections", help: "Requests being served right now", registers: [registry] });
  const database = new Gauge({
    name: "database_connections_active",
    help: "Database connections in use (open transactions) by this process",
    registers: [registry],
  });

  domainMetrics(registry);

  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    active.inc();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      active.dec();
      // The route template (`/api/v1/employees/:emp_id`), never the raw path: bounded cardinality.
      const endpoint = req.route?.path !== undefined ? `${req.baseUrl}${String(req.route.path)}` : "unmatched";
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      requests.inc({ method: req.method, endpoint, status_code: String(res.statusCode) });
      duration.observe({ method: req.method, endpoint }, seconds);
    };
    res.once("finish", finish);
    res.once("close", finish);
    next();
  };

  return {
    registry,
    middleware,
    instrumentStore(store) {
      const transaction: EpcaStore["transaction"] = async (tenantId, work, options) => {
        database.inc();
        try {
          return await (options ? store.transaction(tenantId, work, options) : store.transaction(tenantId, work));
        } finally {
          database.dec();
        }
      };
      return new Proxy(store, {
        get(target, property, receiver) {
          if (property === "transaction") return transaction;
          const value = Reflect.get(target, property, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    },
  };
}

/** The job metrics of one registry: queued/running/failed gauges read from the queue at scrape time, and a duration histogram. */
export interface JobMetrics {
  /** Records one queue event (pass it as the queue's `onEvent`). */
  observe(event: JobEvent): void;
}

/**
 * `epca_jobs{type, status}` (queued, running, failed; over every tenant, read from the queue when
 * Prometheus scrapes, so every instance reports the shared queue) and
 * `epca_job_duration_seconds{type, outcome}`.
 */
export function registerJobMetrics(registry: Registry, queue: () => JobQueue | null): JobMetrics {
  new Gauge({
    name: "epca_jobs",
    help: "Background jobs by type and status (queued, running, failed), over every tenant",
    labelNames: ["type", "status"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const current = queue();
      if (!current) return;
      for (const row of await current.counts().catch(() => [])) this.set({ type: row.type, status: row.status }, row.count);
    },
  });
  const duration = new Histogram({
    name: "epca_job_duration_seconds",
    help: "Time a job attempt ran, by type and outcome",
    labelNames: ["type", "outcome"] as const,
    buckets: [0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [registry],
  });
  return {
    observe(event) {
      if (event.kind === "finished") duration.observe({ type: event.job.type, outcome: event.status }, event.durationMs / 1000);
    },
  };
}

/** The counters of the domain's bulk work, shared by every module of one registry. */
export interface DomainMetrics {
  /** `epca_import_rows_total{resource, outcome}`: rows an import saved (`imported`) or refused (`rejected`). */
  readonly importRows: Counter<"resource" | "outcome">;
  /** `epca_predictions_total{kind}`: predictions served (forecasts, recommendations, …). */
  readonly predictions: Counter<"kind">;
}

/**
 * The domain counters of a registry, created on first call and the same afterwards: the imports
 * and predictions modules count here, the dashboard (deploy/grafana) plots them.
 */
export function domainMetrics(registry: Registry): DomainMetrics {
  const existing = (name: string) => registry.getSingleMetric(name) as Counter<never> | undefined;
  const importRows =
    (existing("epca_import_rows_total") as Counter<"resource" | "outcome"> | undefined) ??
    new Counter({
      name: "epca_import_rows_total",
      help: "Rows of bulk imports by resource and outcome (imported, rejected)",
      labelNames: ["resource", "outcome"] as const,
      registers: [registry],
    });
  const predictions =
    (existing("epca_predictions_total") as Counter<"kind"> | undefined) ??
    new Counter({ name: "epca_predictions_total", help: "Predictions served, by kind", labelNames: ["kind"] as const, registers: [registry] });
  return { importRows, predictions };
}

/** What a prediction counted in `epca_predictions_total{kind}` was: a forecast (`/predict/…`) or an allocation (`/ml/predictions`). */
export type PredictionKind = "forecast" | "allocation";
/** Every kind, each exported at 0 from the start so that a dashboard's `rate()` has a series. */
export const PREDICTION_KINDS: readonly PredictionKind[] = ["forecast", "allocation"];

/**
 * The figures of a finished import that `epca_import_rows_total` counts (`@epca/reports`'
 * `ImportResult` has them; this kit does not depend on that package).
 */
export interface ImportTally {
  /** What was imported (`departments`, `timesheets`, …): the `resource` label. */
  readonly entity: string;
  readonly committed: boolean;
  readonly dry_run: boolean;
  readonly duplicate: boolean;
  readonly created: number;
  readonly updated: number;
  readonly failed: number;
}

/**
 * How a module counts its domain work (`api.metrics` in its routes, `job.metrics` in its job
 * handlers). Labels are closed sets chosen here (entity, outcome, kind), never a tenant, user or
 * record id: a metric's cardinality does not grow with customers. Each method returns what it was
 * given, so that a handler counts what it answers in one expression.
 */
export interface ModuleMetrics {
  /**
   * Counts the rows of a finished import in `epca_import_rows_total{resource, outcome}`: a stored
   * import adds `created + updated` as `imported` and its `failed` rows as `rejected`; an atomic
   * import refused for row errors adds its `failed` rows as `rejected` (nothing imported); a dry
   * run or a duplicate file stores nothing and counts nothing.
   */
  countImport<T extends ImportTally>(result: T): T;
  /** Counts `count` (default 1) predictions served in `epca_predictions_total{kind}`. */
  countPrediction<T>(kind: PredictionKind, answer: T, count?: number): T;
}

/** Counts nothing (a registry-less instance: `ENABLE_METRICS=false`, or a worker without `/metrics`). */
export const NO_MODULE_METRICS: ModuleMetrics = {
  countImport: (result) => result,
  countPrediction: (_kind, answer) => answer,
};

/** An entity name as a label value: a short lower-case word, else `other` (bounded cardinality whatever a module passes). */
const entityLabel = (entity: string) => (/^[a-z][a-z_]{0,39}$/.test(entity) ? entity : "other");

/** The modules' counters on `registry` (the domain counters of {@link domainMetrics}); {@link NO_MODULE_METRICS} without one. */
export function createModuleMetrics(registry: Registry | null): ModuleMetrics {
  if (!registry) return NO_MODULE_METRICS;
  const { importRows, predictions } = domainMetrics(registry);
  for (const kind of PREDICTION_KINDS) predictions.inc({ kind }, 0);
  return {
    countImport(result) {
      if (result.dry_run || result.duplicate) return result;
      const resource = entityLabel(result.entity);
      if (result.committed && result.created + result.updated > 0) importRows.inc({ resource, outcome: "imported" }, result.created + result.updated);
      if (result.failed > 0) importRows.inc({ resource, outcome: "rejected" }, result.failed);
      return result;
    },
    countPrediction(kind, answer, count = 1) {
      if (count > 0) predictions.inc({ kind }, count);
      return answer;
    },
  };
}
