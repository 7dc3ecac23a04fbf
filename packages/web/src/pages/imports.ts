import { useState } from "preact/hooks";
import { ApiError } from "../api.js";
import { html } from "../html.js";
import { num } from "../format.js";
import { followJob, jobPath, type Job } from "../components/jobs.js";
import { DataTable, ErrorBox, Field, useApp } from "../ui.js";
import { useDepartments } from "./shared.js";

/** The answer of `POST /upload/{entity}` (contract section 8). */
export interface UploadResult {
  readonly entity: string;
  readonly total_rows: number;
  readonly created: number;
  readonly updated: number;
  readonly failed: number;
  readonly errors: readonly { row: number; column: string | null; message: string }[];
  readonly dry_run: boolean;
  readonly format?: string;
}

const ENTITIES = ["departments", "employees", "projects", "timesheets", "allocations"].map((e) => ({ value: e, label: e[0]!.toUpperCase() + e.slice(1) }));
const FORMATS = [
  { value: "", label: "Detect from the header" },
  { value: "generic", label: "EPCA / generic CSV" },
  { value: "toggl", label: "Toggl Track" },
  { value: "clockify", label: "Clockify" },
  { value: "harvest", label: "Harvest" },
  { value: "kimai", label: "Kimai" },
  { value: "solidtime", label: "solidtime" },
];

/** Imports: a CSV or XLSX (ours or another tracker's), a dry run listing every row error, then the import. */
export default function ImportsPage() {
  const { api, me, notify } = useApp();
  const departments = useDepartments();
  const [entity, setEntity] = useState("timesheets");
  const [format, setFormat] = useState("");
  const [mode, setMode] = useState("atomic");
  const [createMissing, setCreateMissing] = useState(false);
  const [departmentId, setDepartmentId] = useState(me.department_id ? String(me.department_id) : "");
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<UploadResult | null>(null);
  const [done, setDone] = useState<UploadResult | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function upload(dryRun: boolean) {
    if (!file) return;
    setBusy(true);
    setError(null);
    if (dryRun) setPreview(null);
    setDone(null);
    const data = new FormData();
    data.append("file", file, file.name);
    const query = {
      dry_run: dryRun ? "true" : undefined,
      mode,
      ...(entity === "timesheets" ? { format: format || undefined, create_missing: createMissing ? "true" : undefined, department_id: createMissing ? departmentId : undefined } : {}),
    };
    try {
      const response = await api.request<UploadResult>("POST", `/upload/${entity}`, { formData: data, query });
      let result = response.data;
      const location = response.headers.get("location");
      if (response.status === 202 && location) {
        const finished = await followJob(api, jobPath(location, api.base), setJob);
        result = finished.result as UploadResult;
      }
      if (dryRun) setPreview(result);
      else {
        setDone(result);
        notify(`Imported: ${result.created} created, ${result.updated} updated, ${result.failed} failed.`);
      }
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, null);
      // An atomic import with errors answers 422 with the same `errors`.
      const body = e.body as Partial<UploadResult> | null;
      if (body && Array.isArray(body.errors)) (dryRun ? setPreview : setDone)({ entity, total_rows: body.total_rows ?? 0, created: body.created ?? 0, updated: body.updated ?? 0, failed: body.failed ?? body.errors.length, errors: body.errors, dry_run: dryRun, ...(body.format ? { format: body.format } : {}) });
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const result = done ?? preview;
  return html`<div class="page imports">
    <div class="page-head"><h1>Imports</h1></div>
    <section class="card" aria-labelledby="imp-title">
      <h2 id="imp-title">Upload a file</h2>
      <form class="form-grid" onSubmit=${(e: Event) => (e.preventDefault(), upload(true))}>
        <${Field} label="What the file holds" name="entity" value=${entity} options=${ENTITIES} onInput=${(v: string) => (setEntity(v), setPreview(null))} />
        ${entity === "timesheets" ? html`<${Field} label="Exported from" name="format" value=${format} options=${FORMATS} onInput=${setFormat} />` : null}
        <${Field} label="When a row is wrong" name="mode" value=${mode} options=${[{ value: "atomic", label: "Import nothing (all or none)" }, { value: "partial", label: "Import the valid rows" }]} onInput=${setMode} />
        <div class="field">
          <label for="imp-file">CSV or XLSX file</label>
          <input id="imp-file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange=${(e: Event) => (setFile((e.target as HTMLInputElement).files?.[0] ?? null), setPreview(null), setDone(null))} />
        </div>
        ${entity === "timesheets"
          ? html`<div class="field check"><input type="checkbox" id="imp-create" checked=${createMissing} onChange=${(e: Event) => setCreateMissing((e.target as HTMLInputElement).checked)} />
              <label for="imp-create">Create projects the file names but EPCA lacks</label></div>
              ${createMissing ? html`<${Field} label="Department of new projects" name="department_id" value=${departmentId} options=${(departments.data ?? []).map((d) => ({ value: String(d.id), label: d.name }))} onInput=${setDepartmentId} />` : null}`
          : null}
        <div class="buttons">
          <button type="submit" class="secondary" disabled=${!file || busy}>Preview (dry run)</button>
          <button type="button" class="primary" disabled=${!preview || busy || (mode === "atomic" && preview.failed > 0)} onClick=${() => upload(false)}>Import ${preview ? `${preview.total_rows - (mode === "partial" ? preview.failed : 0)} rows` : ""}</button>
        </div>
      </form>
      ${job ? html`<div class="job" role="status"><label for="imp-progress">Job ${job.id}: ${job.status}</label><progress id="imp-progress" max=${job.progress?.total ?? 1} value=${job.progress?.done ?? 0}></progress></div>` : null}
      ${error && !result ? html`<${ErrorBox} error=${error} />` : null}
    </section>
    ${result
      ? html`<section class="card" aria-labelledby="res-title">
          <h2 id="res-title">${result.dry_run ? "Preview" : "Import result"}${result.format ? ` · ${result.format} format` : ""}</h2>
          <dl class="figures">
            <div><dt>Rows</dt><dd>${num(result.total_rows, 0)}</dd></div>
            <div><dt>${result.dry_run ? "Would create" : "Created"}</dt><dd>${num(result.created, 0)}</dd></div>
            <div><dt>${result.dry_run ? "Would update" : "Updated"}</dt><dd>${num(result.updated, 0)}</dd></div>
            <div><dt>With errors</dt><dd class=${result.failed ? "bad" : ""}>${num(result.failed, 0)}</dd></div>
          </dl>
          ${result.errors.length > 0
            ? html`<${DataTable} caption="Row errors" rows=${result.errors} rowKey=${(e: UploadResult["errors"][number]) => `${e.row}-${e.column}-${e.message}`} initialSort=${{ key: "row", dir: "asc" }}
                columns=${[
                  { key: "row", label: "Row", value: (e: UploadResult["errors"][number]) => e.row, numeric: true },
                  { key: "column", label: "Column", value: (e: UploadResult["errors"][number]) => e.column ?? "—" },
                  { key: "message", label: "Problem", value: (e: UploadResult["errors"][number]) => e.message },
                ]} />`
            : html`<p class="ok-text">No errors${result.dry_run ? ": the file is ready to import." : "."}</p>`}
        </section>`
      : null}
  </div>`;
}
