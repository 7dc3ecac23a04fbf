import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiError } from "../api.js";
import { html } from "../html.js";
import { dateRange, hours, num, weekday } from "../format.js";
import { ErrorBox, Loading, useApp, useLoad } from "../ui.js";

/** A stored timesheet entry. */
export interface Timesheet {
  readonly id: number;
  readonly employee_id: number;
  readonly project_id: number;
  readonly hours_worked: number;
  readonly date: string;
  readonly description: string | null;
  readonly status: "draft" | "submitted" | "approved" | "rejected";
  readonly review_note?: string | null;
}

interface Project {
  readonly id: number;
  readonly name: string;
  readonly status: string;
  readonly department_id: number;
}

interface Employee {
  readonly id: number;
  readonly name: string;
  readonly department_id: number;
  readonly is_active: boolean;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The Monday (UTC) of the week holding `day`. */
export function mondayOf(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  return iso(t - dow * DAY);
}

/** Hours per day of a week grid: the stored entries with the typed values in place of theirs. */
export function dayTotals(days: readonly string[], entries: readonly Timesheet[], typed: Readonly<Record<string, string>>): number[] {
  return days.map((d) => {
    let total = 0;
    const counted = new Set<string>();
    for (const e of entries) {
      if (e.date !== d) continue;
      const key = `${e.project_id}|${d}`;
      if (key in typed) {
        if (!counted.has(key)) total += Number(typed[key]) || 0;
        counted.add(key);
      } else total += e.hours_worked;
    }
    for (const [key, value] of Object.entries(typed)) {
      if (key.endsWith(`|${d}`) && !counted.has(key)) total += Number(value) || 0;
    }
    return total;
  });
}

const editableStatus = (s: Timesheet["status"]) => s === "draft" || s === "rejected";

/** The week grid: hours per project and day, each day's total before saving, save, submit the week. */
export default function TimesheetsPage({ params }: { params: URLSearchParams }) {
  const { api, me, can, notify } = useApp();
  const today = new Date().toISOString().slice(0, 10);
  const week = mondayOf(params.get("week") ?? today);
  const days = useMemo(() => Array.from({ length: 7 }, (_, i) => iso(Date.parse(`${week}T00:00:00Z`) + i * DAY)), [week]);
  const employees = useLoad(
    () => (me.role === "admin" || me.role === "department_head" ? api.all<Employee>("/employees/", me.role === "department_head" ? { department_id: me.department_id } : {}) : Promise.resolve([])),
    [api],
  );
  const [employeeId, setEmployeeId] = useState<number | null>(me.employee_id);
  useEffect(() => {
    if (employeeId === null && employees.data?.[0]) setEmployeeId(employees.data[0].id);
  }, [employees.data]);
  const projects = useLoad(() => api.all<Project>("/projects/"), [api]);
  const entries = useLoad(
    () => (employeeId === null ? Promise.resolve([] as Timesheet[]) : api.all<Timesheet>("/timesheets/", { employee_id: employeeId, from: days[0], to: days[6] })),
    [api, employeeId, week],
  );
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [extraRows, setExtraRows] = useState<number[]>([]);
  const [cellErrors, setCellErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [adding, setAdding] = useState("");
  useEffect(() => {
    setTyped({});
    setCellErrors({});
    setExtraRows([]);
  }, [employeeId, week]);

  const list = entries.data ?? [];
  const projectName = new Map((projects.data ?? []).map((p) => [p.id, p.name]));
  const rowIds = [...new Set([...list.map((e) => e.project_id), ...extraRows])];
  const open = (projects.data ?? []).filter((p) => (p.status === "in_progress" || p.status === "planned" || p.status === "on_hold") && !rowIds.includes(p.id));
  const totals = dayTotals(days, list, typed);
  const over = totals.some((t) => t > 24);
  const dirty = Object.keys(typed).length > 0;
  const drafts = list.filter((e) => editableStatus(e.status));

  const entryAt = (projectId: number, day: string) => list.filter((e) => e.project_id === projectId && e.date === day);

  async function save(): Promise<boolean> {
    if (employeeId === null) return false;
    setBusy(true);
    setError(null);
    const errors: Record<string, string> = {};
    for (const [key, value] of Object.entries(typed)) {
      const [pid, day] = key.split("|") as [string, string];
      const existing = entryAt(Number(pid), day)[0];
      const hoursWorked = value.trim() === "" ? 0 : Number(value);
      try {
        if (existing && hoursWorked === 0) await api.request("DELETE", `/timesheets/${existing.id}`);
        else if (existing) await api.request("PUT", `/timesheets/${existing.id}`, { body: { hours_worked: hoursWorked } });
        else if (hoursWorked !== 0) await api.request("POST", "/timesheets/", { body: { employee_id: employeeId, project_id: Number(pid), date: day, hours_worked: hoursWorked, description: "Logged in the week grid" } });
      } catch (err) {
        errors[key] = err instanceof ApiError ? err.detail : String(err);
      }
    }
    setBusy(false);
    setCellErrors(errors);
    const failed = Object.keys(errors);
    setTyped(Object.fromEntries(Object.entries(typed).filter(([k]) => failed.includes(k))));
    entries.reload();
    if (failed.length) setError(new Error(`${failed.length} ${failed.length === 1 ? "entry was" : "entries were"} not saved: see the marked cells.`));
    else notify("Week saved.");
    return failed.length === 0;
  }

  async function submitWeek() {
    if (dirty && !(await save())) return;
    setBusy(true);
    setError(null);
    try {
      const fresh = await api.all<Timesheet>("/timesheets/", { employee_id: employeeId, from: days[0], to: days[6] });
      const toSubmit = fresh.filter((e) => editableStatus(e.status));
      for (const e of toSubmit) await api.request("POST", `/timesheets/${e.id}/submit`);
      notify(`${toSubmit.length} ${toSubmit.length === 1 ? "entry" : "entries"} submitted for approval.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      entries.reload();
    }
  }

  const shift = (weeks: number) => (location.hash = `#/timesheets?week=${iso(Date.parse(`${week}T00:00:00Z`) + weeks * 7 * DAY)}`);
  const employeeName = employees.data?.find((e) => e.id === employeeId)?.name ?? me.full_name ?? me.email;

  return html`<div class="page timesheets">
    <div class="page-head">
      <h1>Timesheets</h1>
      <div class="week-nav" role="group" aria-label="Week">
        <button type="button" class="secondary" onClick=${() => shift(-1)}>← Previous week</button>
        <span class="week-label">Week of ${dateRange(days[0]!, days[6]!)}</span>
        <button type="button" class="secondary" onClick=${() => shift(1)} disabled=${days[6]! >= today}>Next week →</button>
      </div>
    </div>
    ${can.approves && (employees.data?.length ?? 0) > 0
      ? html`<div class="field inline"><label for="ts-employee">Employee</label>
          <select id="ts-employee" value=${String(employeeId ?? "")} onChange=${(e: Event) => setEmployeeId(Number((e.target as HTMLSelectElement).value))}>
            ${me.employee_id !== null && !employees.data?.some((e) => e.id === me.employee_id) ? html`<option value=${me.employee_id}>Me</option>` : null}
            ${employees.data?.filter((e) => e.is_active).map((e) => html`<option value=${e.id} selected=${e.id === employeeId}>${e.name}</option>`)}
          </select></div>`
      : html`<p class="muted">Logging time as ${employeeName}.</p>`}
    ${employeeId === null && !employees.loading ? html`<p class="notice">Your user is not linked to an employee record, so you have no timesheet to log.</p>` : null}
    <${ErrorBox} error=${error ?? entries.error ?? projects.error} />
    ${!entries.data || !projects.data ? html`<${Loading} />` : html`
      <div class="table-wrap">
        <table class="data week-grid">
          <caption class="sr-only">Hours of ${employeeName} per project and day</caption>
          <thead><tr><th scope="col">Project</th>${days.map((d) => html`<th scope="col" class="num">${weekday(d)}</th>`)}<th scope="col" class="num">Total</th></tr></thead>
          <tbody>
            ${rowIds.length === 0 ? html`<tr><td colspan="9" class="empty">No hours this week yet. Add a project below.</td></tr>` : null}
            ${rowIds.map((pid) => {
              const name = projectName.get(pid) ?? `Project ${pid}`;
              const rowTotal = days.reduce((sum, d) => {
                const key = `${pid}|${d}`;
                return sum + (key in typed ? Number(typed[key]) || 0 : entryAt(pid, d).reduce((s, e) => s + e.hours_worked, 0));
              }, 0);
              return html`<tr>
                <th scope="row">${name}</th>
                ${days.map((d) => {
                  const key = `${pid}|${d}`;
                  const at = entryAt(pid, d);
                  const entry = at[0];
                  const locked = at.length > 1 || (entry !== undefined && !editableStatus(entry.status)) || d > today;
                  const value = key in typed ? typed[key] : entry ? String(at.reduce((s, e) => s + e.hours_worked, 0)) : "";
                  const errId = `err-${pid}-${d}`;
                  return html`<td class=${`cell${entry ? ` st-${entry.status}` : ""}${cellErrors[key] ? " has-error" : ""}`}>
                    <input type="number" min="0" max="24" step="0.25" inputmode="decimal" value=${value} disabled=${locked}
                      aria-label=${`${name}, ${weekday(d)}${entry ? `, ${entry.status}` : ""}`} aria-invalid=${cellErrors[key] ? "true" : undefined} aria-describedby=${cellErrors[key] ? errId : undefined}
                      onInput=${(e: Event) => setTyped({ ...typed, [key]: (e.target as HTMLInputElement).value })} />
                    ${entry && entry.status !== "draft" ? html`<span class="cell-status" title=${entry.review_note ?? entry.status}>${entry.status}</span>` : null}
                    ${cellErrors[key] ? html`<small class="field-error" id=${errId}>${cellErrors[key]}</small>` : null}
                  </td>`;
                })}
                <td class="num">${num(rowTotal, 2)}</td>
              </tr>`;
            })}
          </tbody>
          <tfoot><tr><th scope="row">Day total</th>
            ${totals.map((t) => html`<td class=${`num day-total${t > 24 ? " over" : ""}`}>${hours(t)}${t > 24 ? html`<span class="sr-only"> (over 24 hours)</span>` : null}</td>`)}
            <td class="num">${hours(totals.reduce((a, b) => a + b, 0))}</td></tr></tfoot>
        </table>
      </div>
      ${over ? html`<p class="error" role="alert">A day cannot hold more than 24 hours: lower the marked day before saving.</p>` : null}
      <div class="toolbar">
        <div class="field inline"><label for="ts-add">Add a project</label>
          <select id="ts-add" value=${adding} onChange=${(e: Event) => setAdding((e.target as HTMLSelectElement).value)}>
            <option value="">Choose…</option>
            ${open.map((p) => html`<option value=${p.id}>${p.name}</option>`)}
          </select>
          <button type="button" class="secondary" disabled=${!adding} onClick=${() => (setExtraRows([...extraRows, Number(adding)]), setAdding(""))}>Add row</button>
        </div>
      </div>
      <div class="buttons">
        <button type="button" class="primary" disabled=${busy || !dirty || over || employeeId === null} onClick=${save}>Save week</button>
        <button type="button" class="secondary" disabled=${busy || over || (drafts.length === 0 && !dirty)} onClick=${submitWeek}>Submit week for approval</button>
        <span class="muted">${drafts.length} draft or rejected ${drafts.length === 1 ? "entry" : "entries"} this week</span>
      </div>`}
  </div>`;
}
