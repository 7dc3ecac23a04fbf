import { Writable } from "node:stream";
import { ForbiddenError, can, chargeStorage, releaseStorage, type Actor, type AnalyticsSubject, type EmployeeAnalytics, type ProjectAnalytics, type TenantScope, type UseCaseFactory, type UseCaseHost } from "@epca/core";
import { ReportExpiredError, ReportFilesUnavailableError, ReportNotFoundError } from "./errors.js";
import { buildReportModel, type CompanyFiguresInput, type DepartmentRowInput, type EmployeeRowInput, type ProjectRowInput } from "./model/build-report-model.js";
import { REPORT_SECTIONS, type ForecastPoint, type ReportModel, type ReportSection, type SeriesPoint } from "./model/report-model.js";
import type { ReportFileStore, ReportFileSummary, ReportFilesScope, StoredReportFile } from "./ports.js";
import { REPORT_FORMATS, renderReport, type ReportFormat } from "./render/render-report.js";

/** What a report is asked for (the query of `GET /reports/generate`). */
export interface ReportRequest {
  readonly report_type: ReportFormat;
  /** One department; without it the company (a department head: their department). */
  readonly department_id?: number | undefined;
  /** Inclusive ISO dates; without both, the 12 full months before the current month; with only `to`, the 12 months ending with its month. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Default: every section there is data for. */
  readonly sections?: readonly ReportSection[] | undefined;
}

/** What a request resolves to before anything is rendered. */
export interface ReportPlan {
  /** `null` for the company. */
  readonly department_id: number | null;
  /** Employees plus projects in the scope: the size the server compares with its async threshold. */
  readonly rows: number;
}

/** A rendered report. */
export interface GeneratedReport {
  /** The file name offered for download, e.g. `epca-report-company-2024-01-01-2024-12-31.pdf`. */
  readonly name: string;
  readonly content_type: string;
  readonly bytes: Uint8Array;
  readonly model: ReportModel;
}

/**
 * Forecasts for a report, when a model exists: `null` (or an empty list) leaves the section out
 * silently. The ML package (or a host) provides one; without it reports have no forecasts.
 */
export type ForecastSource = (
  actor: Actor,
  subject: { readonly kind: "company" } | { readonly kind: "department"; readonly id: number },
  period: { readonly from: string; readonly to: string },
) => Promise<readonly ForecastPoint[] | null>;

/** Settings of the report use cases. */
export interface ReportUseCaseOptions {
  /** ISO 4217 code the amounts are in (default `USD`). */
  readonly currency?: string;
  readonly forecasts?: ForecastSource;
}

/** Reports of the actor's tenant: gathered from core's analytics use cases, so that every figure is the API's. */
export interface ReportUseCases {
  /** Checks who may ask for what (403) and measures the scope; throws what the analytics throw (404 department, 422 period). */
  plan(actor: Actor, request: ReportRequest): Promise<ReportPlan>;
  /** The report model of the request, with the figures `/analytics/...` answers for the same scope and period. */
  model(actor: Actor, request: ReportRequest): Promise<ReportModel>;
  /** The report rendered in `request.report_type`. */
  generate(actor: Actor, request: ReportRequest): Promise<GeneratedReport>;
  /** Keeps a rendered report for download until `retentionDays` from now; `createdBy` may see it (default the actor). */
  keep(actor: Actor, report: GeneratedReport, options: { retentionDays: number; createdBy?: number | null }): Promise<ReportFileSummary>;
  /** The unexpired files the actor may see (an admin: all of the tenant's; others: their own), newest first; purges the expired ones. */
  listFiles(actor: Actor): Promise<ReportFileSummary[]>;
  /** A file the actor may see: `ReportNotFoundError` (404) when there is none, `ReportExpiredError` (410) when it expired. */
  getFile(actor: Actor, id: string): Promise<StoredReportFile>;
  /** Deletes the tenant's expired files; answers how many. */
  purgeExpired(actor: Actor): Promise<number>;
}

const PAGE = 1000;

/** Every record of a paged list. */
async function all<T>(list: (page: { skip: number; limit: number }) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const items: T[] = [];
  for (let skip = 0; ; skip += PAGE) {
    const page = await list({ skip, limit: PAGE });
    items.push(...page.items);
    if (page.items.length < PAGE || items.length >= page.total) return items;
  }
}

/** Bytes a renderer writes, collected. */
async function renderToBytes(model: ReportModel, format: ReportFormat): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
      done();
    },
  });
  await renderReport(model, format, sink);
  return new Uint8Array(Buffer.concat(chunks));
}

function seriesPoint(p: { month: string; hours: number; labour_cost?: number | undefined; salary_cost?: number | undefined; direct_cost: number; revenue: number; profit?: number | undefined; roi?: number | null | undefined; productivity_index: number | null }): SeriesPoint {
  return {
    month: p.month,
    hours: p.hours,
    labour_cost: p.labour_cost ?? 0,
    salary_cost: p.salary_cost ?? 0,
    direct_cost: p.direct_cost,
    revenue: p.revenue,
    profit: p.profit ?? 0,
    roi: p.roi ?? null,
    productivity_index: p.productivity_index,
  };
}

function employeeRow(e: EmployeeAnalytics, departmentName: string | undefined): EmployeeRowInput {
  return {
    employee_id: e.employee_id,
    name: e.name,
    department_id: e.department_id,
    ...(departmentName !== undefined ? { department_name: departmentName } : {}),
    revenue: e.revenue,
    cost: e.cost ?? null,
    profit: e.profit ?? null,
    roi: e.roi ?? null,
    total_hours: e.total_hours,
    productivity_index: e.productivity_index,
  };
}

function projectRow(p: ProjectAnalytics): ProjectRowInput {
  return {
    project_id: p.project_id,
    name: p.name,
    revenue: p.revenue,
    direct_cost: p.direct_cost,
    labour_cost: p.labour_cost,
    total_cost: p.total_cost,
    profit: p.profit,
    roi: p.roi,
    total_hours: p.total_hours,
    productivity_index: p.productivity_index,
    status: p.status,
  };
}

/**
 * The period of a request: as given; without `from` and `to`, the 12 full months before the
 * current one (a report read on the 1st does not end in a month of one day); with only `to`,
 * the 12 months ending with its month (the series default).
 */
function defaultPeriod(now: Date, request: ReportRequest): { from?: string | undefined; to?: string | undefined } {
  if (request.from !== undefined || request.to !== undefined) return { from: request.from, to: request.to };
  const firstOfMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const to = new Date(firstOfMonth - 86_400_000);
  const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 11, 1));
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

/** Whether the actor sees every file of the tenant (admins), not only their own. */
const seesAllFiles = (actor: Actor) => can(actor, "read", "report_files");
const visible = (actor: Actor, file: { created_by: number | null }) => seesAllFiles(actor) || (actor.userId !== null && file.created_by === actor.userId);

/**
 * The report use cases, reached with `epca.extend(createReportUseCases(options))` (create the
 * factory once: `extend` builds one instance per factory). The store needs the `reportFiles`
 * part for the file methods (`ReportFilesUnavailableError` otherwise).
 *
 * Who may ask: whoever may read reports everywhere (admins, analysts) any scope; a department
 * head their own department only (the default scope for them); anyone else: 403. Pay-derived
 * employee figures follow core's rules (docs/privacy.md): they come from the analytics use cases
 * as the actor, so a figure the actor may not see is "—".
 */
export function createReportUseCases(options: ReportUseCaseOptions = {}): UseCaseFactory<ReportUseCases, TenantScope & ReportFilesScope> {
  const currency = options.currency ?? "USD";
  return (host: UseCaseHost<TenantScope & ReportFilesScope>): ReportUseCases => {
    const { epca } = host;
    const files = <T>(actor: Actor, work: (store: ReportFileStore, scope: TenantScope) => Promise<T>) =>
      host.run(actor.tenantId, (scope) => {
        const store = (scope as Partial<ReportFilesScope>).reportFiles;
        if (!store) throw new ReportFilesUnavailableError();
        return work(store, scope);
      });
    const today = (now: Date) => now.toISOString().slice(0, 10);
    /**
     * Deletes the tenant's expired files and gives their bytes back to `max_storage_gb`, in one
     * unit of work: the storage lock first, then what is expired is read and deleted, so that
     * parallel purges release each file once.
     */
    const purge = async (store: ReportFileStore, scope: TenantScope, now: Date): Promise<number> => {
      await releaseStorage(scope, 0, today(now));
      // Every file, expired ones included (expiry compared with the epoch).
      const expired = (await store.list(scope.tenantId, new Date(0))).filter((f) => Date.parse(f.expires_at) <= now.getTime());
      if (expired.length === 0) return 0;
      const deleted = await store.deleteExpired(now);
      await releaseStorage(scope, expired.reduce((sum, f) => sum + f.size, 0), today(now));
      return deleted;
    };

    /** The department the actor's report covers, or `null` for the company; 403 when not allowed. */
    function scopeOf(actor: Actor, request: ReportRequest): number | null {
      if (can(actor, "read", "reports")) return request.department_id ?? null;
      if (actor.role === "department_head" && actor.departmentId !== null) {
        if (request.department_id !== undefined && request.department_id !== actor.departmentId) {
          throw new ForbiddenError("A department head's reports cover their own department only");
        }
        return actor.departmentId;
      }
      throw new ForbiddenError("Insufficient privileges");
    }

    const useCases: ReportUseCases = {
      async plan(actor, request) {
        const department = scopeOf(actor, request);
        const filter = department === null ? {} : { department_id: department };
        if (department !== null) await epca.departments.get(actor, department); // 404 before any work
        const [employees, projects] = await Promise.all([
          epca.employees.list(actor, filter, { skip: 0, limit: 1 }),
          epca.projects.list(actor, filter, { skip: 0, limit: 1 }),
        ]);
        return { department_id: department, rows: employees.total + projects.total };
      },

      async model(actor, request) {
        const department = scopeOf(actor, request);
        const wanted = new Set<ReportSection>(request.sections ?? REPORT_SECTIONS);
        const subject: AnalyticsSubject = department === null ? { kind: "company" } : { kind: "department", id: department };
        // The series settles the period (its default: the 12 months ending with `to`), and every
        // other figure is asked for over the same period.
        const series = await epca.analytics.series(actor, subject, { ...defaultPeriod(host.clock.now(), request), interval: "month" });
        const period = { from: series.from, to: series.to };
        const tenantName = await host.run(actor.tenantId, async (scope) => scope.tenant.name);
        const filter = department === null ? {} : { department_id: department };
        const departments = await all((page) => epca.departments.list(actor, {}, page));
        const names = new Map(departments.map((d) => [d.id, d.name]));

        let company: CompanyFiguresInput;
        let departmentRows: DepartmentRowInput[];
        let scopeName: string;
        if (department === null) {
          const c = await epca.analytics.company(actor, period);
          company = c;
          departmentRows = c.department_metrics ?? [];
          scopeName = tenantName;
        } else {
          const d = await epca.analytics.department(actor, department, period);
          company = {
            department_count: 1,
            employee_count: d.employee_count,
            project_count: d.project_count,
            total_revenue: d.total_revenue,
            total_cost: d.total_cost,
            profit: d.profit,
            roi: d.roi,
            productivity_index: d.productivity_index,
            total_hours: d.total_hours,
          };
          departmentRows = [d];
          scopeName = d.name;
        }
        const needEmployees = wanted.has("employees") || wanted.has("top_performers");
        const employees = needEmployees
          ? await Promise.all(
              (await all((page) => epca.employees.list(actor, filter, page))).map(async (e) =>
                employeeRow(await epca.analytics.employee(actor, e.id, period), names.get(e.department_id)),
              ),
            )
          : undefined;
        const projects = wanted.has("project_profitability")
          ? await Promise.all((await all((page) => epca.projects.list(actor, filter, page))).map(async (p) => projectRow(await epca.analytics.project(actor, p.id, period))))
          : undefined;
        const forecasts = wanted.has("forecasts") && options.forecasts ? ((await options.forecasts(actor, subject as never, period)) ?? []) : [];
        const sections = REPORT_SECTIONS.filter((s) => wanted.has(s) && (s !== "forecasts" || forecasts.length > 0));
        return buildReportModel({
          title: "Productivity & cost report",
          generated_at: host.clock.now(),
          period,
          scope: department === null ? { kind: "company", name: scopeName } : { kind: "department", department_id: department, name: scopeName },
          currency,
          sections,
          company,
          departments: departmentRows,
          ...(employees ? { employees } : {}),
          ...(projects ? { projects } : {}),
          series: series.points.map(seriesPoint),
          forecasts: [...forecasts],
        });
      },

      async generate(actor, request) {
        const model = await useCases.model(actor, request);
        const format = REPORT_FORMATS[request.report_type];
        const scope = model.scope.kind === "company" ? "company" : `department-${model.scope.department_id}`;
        return {
          name: `epca-report-${scope}-${model.period.from}-${model.period.to}.${format.extension}`,
          content_type: format.content_type,
          bytes: await renderToBytes(model, request.report_type),
          model,
        };
      },

      async keep(actor, report, { retentionDays, createdBy }) {
        const now = host.clock.now();
        // The plan's `max_storage_gb` is checked and charged in the unit of work that stores the file.
        const saved = await files(actor, async (store, scope) => {
          await chargeStorage(scope, report.bytes.byteLength, today(now));
          return store.save({
            tenant_id: actor.tenantId,
            id: globalThis.crypto.randomUUID(),
            name: report.name,
            content_type: report.content_type,
            bytes: report.bytes,
            created_at: now.toISOString(),
            expires_at: new Date(now.getTime() + retentionDays * 86_400_000).toISOString(),
            created_by: createdBy === undefined ? actor.userId : createdBy,
          });
        });
        const { bytes: _bytes, ...summary } = saved;
        return summary;
      },

      async listFiles(actor) {
        const now = host.clock.now();
        return files(actor, async (store, scope) => {
          await purge(store, scope, now);
          return (await store.list(actor.tenantId, now)).filter((f) => visible(actor, f));
        });
      },

      async getFile(actor, id) {
        const now = host.clock.now();
        // Read regardless of expiry (epoch as "now"), to tell an expired file (410) from none (404).
        const file = await files(actor, (store) => store.get(actor.tenantId, id, new Date(0)));
        if (!file || !visible(actor, file)) throw new ReportNotFoundError();
        if (Date.parse(file.expires_at) <= now.getTime()) throw new ReportExpiredError(file.expires_at);
        return file;
      },

      async purgeExpired(actor) {
        const now = host.clock.now();
        return files(actor, (store, scope) => purge(store, scope, now));
      },
    };
    return useCases;
  };
}
