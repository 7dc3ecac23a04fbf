import { can, isoDateSchema, NotFoundError, type Actor, type JobSchedule } from "@epca/core";
import {
  createReportUseCases,
  REPORT_FORMATS,
  REPORT_SECTIONS,
  reportSectionSchema,
  type ForecastSource,
  type ReportFileSummary,
  type ReportRequest,
  type ReportUseCases,
} from "@epca/reports";
import type { Request } from "express";
import { z } from "zod";
import { HttpError } from "../http/errors.js";
import type { ModuleJob, ServerModule } from "../http/module.js";
import { named } from "../http/openapi.js";
import { booleanQuery, idParam } from "../http/params.js";
import { API_BASE_PATH, ok } from "../http/replies.js";
import type { RouteTable } from "../http/route-table.js";
import { checkCron, createSchedule } from "../scheduler.js";
import { Job } from "./jobs.js";

/** The id of a kept file or a schedule (letters, digits, `-` and `_`): anything else is a 422, never a database error. */
const storedId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Expected an id of letters, digits, - and _");

const tags = ["reports"];
/** The job type of a report rendered in the background (a large or `async=true` request, and every schedule run). */
export const REPORT_JOB_TYPE = "reports.generate";

const reportType = z.enum(["pdf", "excel", "csv", "txt"]).describe("`pdf`, `excel` (xlsx), `csv` or `txt`.");
/** `sections=company_summary,departments` (or the parameter repeated). */
const sectionsQuery = z
  .preprocess((v) => (typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : v), z.array(reportSectionSchema).min(1).max(REPORT_SECTIONS.length))
  .describe(`Comma-separated sections, printed in this order: ${REPORT_SECTIONS.join(", ")}. Default: all (forecasts only when a model exists).`);

const generateQuery = z.object({
  report_type: reportType,
  department_id: idParam.optional().describe("One department; without it the company (a department head: their own department)."),
  from: isoDateSchema.optional().describe("First day counted, inclusive (`YYYY-MM-DD`). Without `from` and `to`: the 12 full months before the current month; with only `to`: the 12 months ending with its month."),
  to: isoDateSchema.optional().describe("Last day counted, inclusive (`YYYY-MM-DD`)."),
  sections: sectionsQuery.optional(),
  async: booleanQuery.optional().describe("`true`: always answer 202 with a job; the file is then kept under `/reports/files`."),
});

const keepBody = z.object({
  report_type: reportType,
  department_id: idParam.optional().describe("One department; without it the company (a department head: their own department)."),
  from: isoDateSchema.optional().describe("First day counted, inclusive (`YYYY-MM-DD`); the period defaults as for `GET /reports/generate`."),
  to: isoDateSchema.optional().describe("Last day counted, inclusive (`YYYY-MM-DD`)."),
  sections: z.array(reportSectionSchema).min(1).max(REPORT_SECTIONS.length).optional(),
});

const ReportFile = named(
  z.object({
    id: z.string(),
    name: z.string().describe("The file name offered for download."),
    content_type: z.string(),
    size: z.number().int().describe("Bytes."),
    created_at: z.string(),
    expires_at: z.string().describe("After this instant the file answers 410 and is purged."),
    created_by: z.number().int().nullable(),
  }),
  "ReportFile",
);

const scheduleBody = z.object({
  name: z.string().trim().min(1).max(200).optional().describe("Default: the report type and the cron expression."),
  cron: z.string().trim().min(1).max(100).describe("Five fields (minute hour day month weekday), or six with seconds first (croner)."),
  timezone: z.string().trim().min(1).max(64).default("UTC").describe("IANA time zone the cron expression is read in."),
  report_type: reportType,
  department_id: idParam.optional().describe("One department; without it the company (a department head: their own)."),
  sections: z.array(reportSectionSchema).min(1).max(REPORT_SECTIONS.length).optional(),
});

const ReportSchedule = named(
  z.object({
    id: z.string(),
    name: z.string(),
    cron: z.string(),
    timezone: z.string(),
    report_type: reportType,
    department_id: z.number().int().nullable(),
    sections: z.array(reportSectionSchema).nullable(),
    enabled: z.boolean(),
    next_run_at: z.string().nullable(),
    last_run_at: z.string().nullable(),
    created_by: z.number().int().nullable(),
    created_at: z.string(),
  }),
  "ReportSchedule",
);

/** What a report job carries: everything it needs, since a worker has no request and no configuration. */
interface ReportJobPayload {
  readonly request: ReportRequest;
  /** The user the report is made for: it runs with their role and scope as they are when it runs. */
  readonly user_id: number;
  readonly retention_days: number;
  readonly currency: string;
}

const reportJobPayload = z.object({
  request: z.object({
    report_type: reportType,
    department_id: z.number().int().positive().optional(),
    from: isoDateSchema.optional(),
    to: isoDateSchema.optional(),
    sections: z.array(reportSectionSchema).optional(),
  }),
  user_id: z.number().int().positive(),
  retention_days: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

/** `Content-Disposition: attachment` with an ASCII name and the RFC 6266 `filename*`. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function fileReply(file: { name: string; content_type: string; bytes: Uint8Array }) {
  return {
    status: 200,
    body: file.bytes,
    headers: { "Content-Type": file.content_type, "Content-Disposition": attachment(file.name), "Content-Length": String(file.bytes.byteLength) },
  };
}

const summary = (f: ReportFileSummary) => ({
  id: f.id,
  name: f.name,
  content_type: f.content_type,
  size: f.size,
  created_at: f.created_at,
  expires_at: f.expires_at,
  created_by: f.created_by,
});

function scheduleView(s: JobSchedule) {
  const payload = reportJobPayload.safeParse(s.payload);
  const request = payload.success ? payload.data.request : { report_type: "pdf" as const };
  return {
    id: s.id,
    name: s.name,
    cron: s.cron,
    timezone: s.timezone,
    report_type: request.report_type,
    department_id: request.department_id ?? null,
    sections: request.sections ?? null,
    enabled: s.enabled,
    next_run_at: s.next_run_at,
    last_run_at: s.last_run_at,
    created_by: s.created_by,
    created_at: s.created_at,
  };
}

/** Options of `createReportsModule`. */
export interface ReportsModuleOptions {
  /** Where the forecasts section comes from; without one (the default) it is left out silently. */
  readonly forecasts?: ForecastSource;
}

/**
 * The `reports` module: `GET /reports/generate` (a file, or 202 with a job over
 * `REPORT_ASYNC_ROWS` or with `async=true`), the kept files (`/reports/files`) and scheduled
 * reports (`/reports/schedules`) on the job queue's scheduler. The store needs the
 * `reportFiles` part (`@epca/adapter-memory/reports`, `@epca/adapter-postgres/reports`).
 */
export function createReportsModule(options: ReportsModuleOptions = {}): ServerModule {
  // `epca.extend` builds one instance per factory: one factory per currency, made once.
  const factories = new Map<string, ReturnType<typeof createReportUseCases>>();
  const reportsOf = (epca: { extend: RouteTable["epca"]["extend"] }, currency: string): ReportUseCases => {
    let factory = factories.get(currency);
    if (!factory) {
      factory = createReportUseCases({ currency, ...(options.forecasts ? { forecasts: options.forecasts } : {}) });
      factories.set(currency, factory);
    }
    return epca.extend(factory);
  };

  const location = (req: Request, path: string) => `${req.baseUrl}${API_BASE_PATH}${path}`;

  function routes(api: RouteTable): void {
    const { config } = api;
    const schedules = () => {
      if (!api.schedules) throw new HttpError(503, "Scheduled reports need the job scheduler's storage, which this server was started without");
      return api.schedules;
    };
    /** An admin sees every report schedule of the tenant; others their own. */
    const mayManage = (actor: Actor, s: JobSchedule) => can(actor, "read", "report_files") || (actor.userId !== null && s.created_by === actor.userId);

    api.define(
      {
        method: "get",
        path: "/reports/generate",
        summary: "Generate report (PDF/Excel/CSV/TXT)",
        description:
          "The report of the company (or of one department) over a period, with the figures `/analytics/...` answers for the same scope and period: key figures, departments, employees, top performers (by profit), project profitability, the monthly trend and, when a model exists, forecasts. " +
          "Admins and analysts: any scope; a department head: their own department only (403 otherwise); others 403. " +
          "Pay-derived employee figures the caller may not see print as \"—\" (docs/privacy.md). " +
          "Over `REPORT_ASYNC_ROWS` employees + projects, or with `async=true`: 202 with the job (`Location: /api/v1/jobs/{id}`); its `result.file_id` names the file under `/reports/files`. " +
          "No cell of any format starts a formula (`=`, `+`, `-`, `@`, tab, CR, LF get a leading `'`).",
        tags,
        request: { query: generateQuery },
        responses: {
          200: { description: "The report file (`Content-Disposition: attachment`)", files: Object.values(REPORT_FORMATS).map((f) => f.content_type.split(";")[0]!) },
          202: { description: "Rendered in the background: the job (see `Location`)", schema: Job, headers: ["Location"] },
        },
      },
      async ({ epca, actor, query, req }) => {
        const { async: inBackground, ...rest } = query;
        const request: ReportRequest = rest;
        const reports = reportsOf(epca, config.REPORT_CURRENCY);
        const plan = await reports.plan(actor, request);
        if (inBackground === true || plan.rows > config.REPORT_ASYNC_ROWS) {
          if (actor.userId === null) throw new HttpError(403, "Background reports are made for a user");
          const payload: ReportJobPayload = { request, user_id: actor.userId, retention_days: config.REPORT_RETENTION_DAYS, currency: config.REPORT_CURRENCY };
          const job = await epca.jobs.enqueue(actor, { type: REPORT_JOB_TYPE, payload });
          return { status: 202, body: job, headers: { Location: location(req, `/jobs/${job.id}`) } };
        }
        return fileReply(await reports.generate(actor, request));
      },
    );

    api.define(
      {
        method: "get",
        path: "/reports/files",
        summary: "List report files",
        description: `Finished reports kept for download (background and scheduled ones), newest first: an admin sees every file of the tenant, others their own. Files expire after \`REPORT_RETENTION_DAYS\`; expired ones are purged here.`,
        tags,
        responses: { 200: { description: "The files", schema: z.array(ReportFile), headers: ["X-Total-Count"] } },
      },
      async ({ epca, actor }) => {
        const files = await reportsOf(epca, config.REPORT_CURRENCY).listFiles(actor);
        return { status: 200, body: files.map(summary), headers: { "X-Total-Count": String(files.length) } };
      },
    );

    api.define(
      {
        method: "post",
        path: "/reports/files",
        summary: "Generate and keep a report file",
        description:
          "Renders the report as `GET /reports/generate` does and keeps the file under `/reports/files` for `REPORT_RETENTION_DAYS`. " +
          "The file counts against the tenant's `max_storage_gb`, checked in the unit of work that stores it: a file that does not fit is a 403 naming the limit (`Plan limit reached: max_storage_gb is … on this tenant's plan`) and nothing is kept. " +
          "Over `REPORT_ASYNC_ROWS` employees + projects: 202 with the job (`Location`), which keeps the file (or fails with the same limit).",
        tags,
        request: { body: keepBody },
        conflicts: "Not used: keeping a report never conflicts",
        errors: { 403: "The user may not ask for this report, the tenant is suspended, or the file would pass the plan's `max_storage_gb`" },
        responses: {
          201: { description: "The kept file", schema: ReportFile, headers: ["Location"] },
          202: { description: "Rendered in the background: the job (see `Location`)", schema: Job, headers: ["Location"] },
        },
      },
      async ({ epca, actor, body, req }) => {
        const request: ReportRequest = body;
        const reports = reportsOf(epca, config.REPORT_CURRENCY);
        const plan = await reports.plan(actor, request);
        if (plan.rows > config.REPORT_ASYNC_ROWS) {
          if (actor.userId === null) throw new HttpError(403, "Background reports are made for a user");
          const payload: ReportJobPayload = { request, user_id: actor.userId, retention_days: config.REPORT_RETENTION_DAYS, currency: config.REPORT_CURRENCY };
          const job = await epca.jobs.enqueue(actor, { type: REPORT_JOB_TYPE, payload });
          return { status: 202, body: job, headers: { Location: location(req, `/jobs/${job.id}`) } };
        }
        const file = await reports.keep(actor, await reports.generate(actor, request), { retentionDays: config.REPORT_RETENTION_DAYS });
        return { status: 201, body: summary(file), headers: { Location: location(req, `/reports/files/${file.id}`) } };
      },
    );

    api.define(
      {
        method: "get",
        path: "/reports/files/{file_id}",
        summary: "Download a report file",
        description: "The file as it was rendered, with its `Content-Type` and `Content-Disposition: attachment`.",
        tags,
        request: { params: z.object({ file_id: storedId }) },
        errors: { 410: "The file's retention period is over (it is purged soon after)" },
        responses: { 200: { description: "The report file", files: Object.values(REPORT_FORMATS).map((f) => f.content_type.split(";")[0]!) } },
      },
      async ({ epca, actor, params }) => fileReply(await reportsOf(epca, config.REPORT_CURRENCY).getFile(actor, params.file_id)),
    );

    api.define(
      {
        method: "post",
        path: "/reports/schedules",
        summary: "Schedule a report",
        description:
          "A report rendered on a cron schedule (croner; five fields, or six with seconds) in a time zone; every run renders the 12 full months before the run's month and keeps the file under `/reports/files` for its creator. Who may ask for the report may schedule it.",
        tags,
        request: { body: scheduleBody },
        conflicts: "Not used: schedules never conflict",
        responses: { 201: { description: "The schedule", schema: ReportSchedule, headers: ["Location"] } },
      },
      async ({ epca, actor, body, req }) => {
        const storage = schedules();
        const request: ReportRequest = {
          report_type: body.report_type,
          ...(body.department_id !== undefined ? { department_id: body.department_id } : {}),
          ...(body.sections ? { sections: body.sections } : {}),
        };
        checkCron(body.cron, body.timezone);
        // Who may ask for the report now, with a 403 or 404 now rather than at every run.
        const plan = await reportsOf(epca, config.REPORT_CURRENCY).plan(actor, request);
        if (actor.userId === null) throw new HttpError(403, "Scheduled reports are made for a user");
        const scoped: ReportRequest = plan.department_id === null ? request : { ...request, department_id: plan.department_id };
        const payload: ReportJobPayload = { request: scoped, user_id: actor.userId, retention_days: config.REPORT_RETENTION_DAYS, currency: config.REPORT_CURRENCY };
        const schedule = await createSchedule(storage, actor.tenantId, {
          name: body.name ?? `${body.report_type} report (${body.cron})`,
          cron: body.cron,
          timezone: body.timezone,
          type: REPORT_JOB_TYPE,
          payload,
          createdBy: actor.userId,
        });
        return { status: 201, body: scheduleView(schedule), headers: { Location: location(req, `/reports/schedules/${schedule.id}`) } };
      },
    );

    api.define(
      {
        method: "get",
        path: "/reports/schedules",
        summary: "List report schedules",
        description: "The tenant's report schedules (an admin: all; others their own), with their next and last run.",
        tags,
        responses: { 200: { description: "The schedules", schema: z.array(ReportSchedule) } },
      },
      async ({ actor }) => {
        const all = await schedules().list(actor.tenantId);
        return ok(all.filter((s) => s.type === REPORT_JOB_TYPE && mayManage(actor, s)).map(scheduleView));
      },
    );

    api.define(
      {
        method: "delete",
        path: "/reports/schedules/{schedule_id}",
        summary: "Delete a report schedule",
        description: "Stops the schedule (its files stay until they expire). Its creator or an admin.",
        tags,
        request: { params: z.object({ schedule_id: storedId }) },
        conflicts: "Not used: deleting a schedule never conflicts",
        responses: { 200: { description: "The schedule as it was", schema: ReportSchedule } },
      },
      async ({ actor, params }) => {
        const storage = schedules();
        const found = await storage.get(actor.tenantId, params.schedule_id);
        if (!found || found.type !== REPORT_JOB_TYPE || !mayManage(actor, found)) throw new NotFoundError("report schedule", params.schedule_id);
        const deleted = await storage.delete(actor.tenantId, params.schedule_id);
        if (!deleted) throw new NotFoundError("report schedule", params.schedule_id);
        return ok(scheduleView(deleted));
      },
    );
  }

  /** Renders a report for the user who asked (or scheduled it), keeps the file, purges the tenant's expired ones. */
  async function generateJob(job: ModuleJob): Promise<unknown> {
    const payload = reportJobPayload.parse(job.payload);
    const actor = await job.epca.users.actorFor(job.tenantId, payload.user_id);
    if (!actor) throw new Error("The user this report is for no longer exists or is inactive");
    const reports = reportsOf(job.epca, payload.currency);
    await job.progress(0, 2, "gathering the figures");
    const generated = await reports.generate(actor, payload.request as ReportRequest);
    if (job.signal.aborted) return null;
    await job.progress(1, 2, "keeping the file");
    const file = await reports.keep(actor, generated, { retentionDays: payload.retention_days, createdBy: payload.user_id });
    await reports.purgeExpired(actor);
    await job.progress(2, 2, "done");
    return { file_id: file.id, name: file.name, content_type: file.content_type, size: file.size, expires_at: file.expires_at, url: `${API_BASE_PATH}/reports/files/${file.id}` };
  }

  return {
    name: "reports",
    tags: [{ name: "reports", description: 'Reports in four formats, kept files and scheduled reports (contract section 8; "Reports Endpoints").' }],
    routes,
    jobs: { [REPORT_JOB_TYPE]: generateJob },
    errorStatuses: { report_not_found: 404, report_expired: 410, report_files_unavailable: 503 },
  };
}

/** The `reports` module without forecasts. */
export const reportsModule: ServerModule = createReportsModule();
