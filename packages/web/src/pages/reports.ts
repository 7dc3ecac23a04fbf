import { useState } from "preact/hooks";
import { ApiError } from "../api.js";
import { html } from "../html.js";
import { date, num } from "../format.js";
import { filenameOf, followJob, jobPath, saveBlob, type Job } from "../components/jobs.js";
import { DataTable, ErrorBox, Field, Loading, useApp, useLoad } from "../ui.js";
import { useDepartments } from "./shared.js";

const TYPES = [
  { value: "pdf", label: "PDF", ext: "pdf" },
  { value: "excel", label: "Excel", ext: "xlsx" },
  { value: "csv", label: "CSV", ext: "csv" },
  { value: "txt", label: "Text", ext: "txt" },
];

/** A stored report file (`GET /reports/files`). */
interface ReportFile {
  readonly id: number | string;
  readonly filename?: string;
  readonly name?: string;
  readonly report_type?: string;
  readonly size_bytes?: number;
  readonly size?: number;
  readonly created_at?: string;
  readonly expires_at?: string | null;
}

/** A report schedule (`GET /reports/schedules`). */
interface Schedule {
  readonly id: number | string;
  readonly cron: string;
  readonly timezone?: string;
  readonly report_type: string;
  readonly department_id?: number | null;
  readonly next_run_at?: string | null;
}

/** The route is not on this server (yet): the lists say so instead of failing. */
function missing(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 405);
}

/** Reports: generate and download each format (the async ones with progress), stored files, schedules. */
export default function ReportsPage() {
  const { api, notify } = useApp();
  const departments = useDepartments();
  const [form, setForm] = useState({ report_type: "pdf", department_id: "", from: "", to: "", async: "false" });
  const [job, setJob] = useState<Job | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const files = useLoad(() => api.get<ReportFile[]>("/reports/files"), [api]);
  const schedules = useLoad(() => api.get<Schedule[]>("/reports/schedules"), [api]);
  const [schedule, setSchedule] = useState({ cron: "0 7 * * 1", timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", report_type: "pdf", department_id: "" });
  const [scheduleError, setScheduleError] = useState<ApiError | null>(null);

  async function download(path: string, fallback: string) {
    const response = await api.request<Blob>("GET", path, { blob: true });
    saveBlob(response.data, filenameOf(response.headers.get("content-disposition"), fallback));
  }

  async function generate(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setJob(null);
    const type = TYPES.find((t) => t.value === form.report_type) ?? TYPES[0]!;
    try {
      const response = await api.request<Blob>("GET", "/reports/generate", {
        blob: true,
        query: { report_type: form.report_type, department_id: form.department_id || undefined, from: form.from || undefined, to: form.to || undefined, async: form.async === "true" ? "true" : undefined },
      });
      const location = response.headers.get("location");
      if (response.status === 202 && location) {
        const done = await followJob(api, jobPath(location, api.base), setJob);
        if (done.status === "failed") throw new ApiError(500, { detail: `The report failed: ${JSON.stringify(done.error)}` });
        const result = (done.result ?? {}) as { file_id?: number | string; id?: number | string; download_url?: string };
        const fileId = result.file_id ?? result.id;
        if (result.download_url) await download(jobPath(result.download_url, api.base), `report.${type.ext}`);
        else if (fileId !== undefined) await download(`/reports/files/${fileId}`, `report.${type.ext}`);
        files.reload();
      } else {
        saveBlob(response.data, filenameOf(response.headers.get("content-disposition"), `epca-report.${type.ext}`));
      }
      notify(`${type.label} report downloaded.`);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, null));
    } finally {
      setBusy(false);
    }
  }

  async function addSchedule(e: Event) {
    e.preventDefault();
    setScheduleError(null);
    try {
      await api.request("POST", "/reports/schedules", { body: { ...schedule, department_id: schedule.department_id ? Number(schedule.department_id) : null } });
      notify("Schedule added.");
      schedules.reload();
    } catch (err) {
      setScheduleError(err instanceof ApiError ? err : new ApiError(0, null));
    }
  }

  const depOptions = [{ value: "", label: "Whole company" }, ...(departments.data ?? []).map((d) => ({ value: String(d.id), label: d.name }))];
  const progress = job?.progress;
  return html`<div class="page reports">
    <div class="page-head"><h1>Reports</h1></div>
    <section class="card" aria-labelledby="gen-title">
      <h2 id="gen-title">Generate a report</h2>
      <form onSubmit=${generate} class="form-grid">
        <${Field} label="Format" name="report_type" value=${form.report_type} options=${TYPES} onInput=${(v: string) => setForm({ ...form, report_type: v })} errors=${error?.fields} />
        <${Field} label="Scope" name="department_id" value=${form.department_id} options=${depOptions} onInput=${(v: string) => setForm({ ...form, department_id: v })} errors=${error?.fields} />
        <${Field} label="From" name="from" type="date" value=${form.from} onInput=${(v: string) => setForm({ ...form, from: v })} errors=${error?.fields} />
        <${Field} label="To" name="to" type="date" value=${form.to} onInput=${(v: string) => setForm({ ...form, to: v })} errors=${error?.fields} />
        <div class="field check"><input type="checkbox" id="rep-async" checked=${form.async === "true"} onChange=${(e: Event) => setForm({ ...form, async: String((e.target as HTMLInputElement).checked) })} />
          <label for="rep-async">Generate in the background (large reports)</label></div>
        <div class="buttons"><button type="submit" class="primary" disabled=${busy}>${busy ? "Generating…" : "Generate and download"}</button></div>
      </form>
      ${job
        ? html`<div class="job" role="status" aria-live="polite">
            <label for="rep-progress">Job ${job.id}: ${job.status}${progress?.message ? ` · ${progress.message}` : ""}</label>
            <progress id="rep-progress" max=${progress?.total ?? 1} value=${progress ? progress.done : job.status === "succeeded" ? 1 : 0}></progress>
          </div>`
        : null}
      ${error && Object.keys(error.fields).length === 0 ? html`<${ErrorBox} error=${error} />` : null}
    </section>
    <section class="card" aria-labelledby="files-title">
      <h2 id="files-title">Stored reports</h2>
      ${missing(files.error) ? html`<p class="muted">This server keeps no report files.</p>` : files.error ? html`<${ErrorBox} error=${files.error} />` : !files.data ? html`<${Loading} />` : html`<${DataTable} caption="Stored reports" rows=${files.data} rowKey=${(f: ReportFile) => f.id}
        initialSort=${{ key: "created", dir: "desc" }}
        columns=${[
          { key: "name", label: "File", value: (f: ReportFile) => f.filename ?? f.name ?? String(f.id) },
          { key: "type", label: "Format", value: (f: ReportFile) => f.report_type ?? "" },
          { key: "size", label: "Size", value: (f: ReportFile) => f.size_bytes ?? f.size ?? null, render: (f: ReportFile) => `${num((f.size_bytes ?? f.size ?? 0) / 1024, 1)} KB`, numeric: true },
          { key: "created", label: "Created", value: (f: ReportFile) => f.created_at ?? "", render: (f: ReportFile) => date(f.created_at, true) },
          { key: "expires", label: "Expires", value: (f: ReportFile) => f.expires_at ?? "", render: (f: ReportFile) => date(f.expires_at, true) },
        ]}
        actions=${(f: ReportFile) => html`<button type="button" class="link" onClick=${() => download(`/reports/files/${f.id}`, f.filename ?? "report").catch(setError)} aria-label=${`Download ${f.filename ?? f.id}`}>Download</button>`} />`}
    </section>
    <section class="card" aria-labelledby="sched-title">
      <h2 id="sched-title">Schedules</h2>
      ${missing(schedules.error) ? html`<p class="muted">This server runs no report schedules.</p>` : schedules.error ? html`<${ErrorBox} error=${schedules.error} />` : !schedules.data ? html`<${Loading} />` : html`
        <${DataTable} caption="Report schedules" rows=${schedules.data} rowKey=${(s: Schedule) => s.id}
          columns=${[
            { key: "cron", label: "When (cron)", value: (s: Schedule) => s.cron },
            { key: "tz", label: "Time zone", value: (s: Schedule) => s.timezone ?? "" },
            { key: "type", label: "Format", value: (s: Schedule) => s.report_type },
            { key: "next", label: "Next run", value: (s: Schedule) => s.next_run_at ?? "", render: (s: Schedule) => date(s.next_run_at, true) },
          ]}
          actions=${(s: Schedule) => html`<button type="button" class="link danger" aria-label=${`Delete schedule ${s.cron}`} onClick=${() => api.request("DELETE", `/reports/schedules/${s.id}`).then(schedules.reload, setScheduleError)}>Delete</button>`} />
        <form onSubmit=${addSchedule} class="form-grid">
          <${Field} label="Cron expression" name="cron" value=${schedule.cron} onInput=${(v: string) => setSchedule({ ...schedule, cron: v })} errors=${scheduleError?.fields} hint="e.g. 0 7 * * 1 = Mondays at 07:00" />
          <${Field} label="Time zone" name="timezone" value=${schedule.timezone} onInput=${(v: string) => setSchedule({ ...schedule, timezone: v })} errors=${scheduleError?.fields} />
          <${Field} label="Format" name="report_type" value=${schedule.report_type} options=${TYPES} onInput=${(v: string) => setSchedule({ ...schedule, report_type: v })} errors=${scheduleError?.fields} />
          <${Field} label="Scope" name="department_id" value=${schedule.department_id} options=${depOptions} onInput=${(v: string) => setSchedule({ ...schedule, department_id: v })} errors=${scheduleError?.fields} />
          <div class="buttons"><button type="submit" class="secondary">Add schedule</button></div>
        </form>
        ${scheduleError && Object.keys(scheduleError.fields).length === 0 ? html`<${ErrorBox} error=${scheduleError} />` : null}`}
    </section>
  </div>`;
}
