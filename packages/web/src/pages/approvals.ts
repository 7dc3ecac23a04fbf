import { useState } from "preact/hooks";
import { html } from "../html.js";
import { date, hours } from "../format.js";
import { DataTable, Dialog, ErrorBox, Field, Loading, useApp, useLoad } from "../ui.js";
import type { Timesheet } from "./timesheets.js";

interface Named {
  readonly id: number;
  readonly name: string;
}

/** The approvals queue: submitted entries of the head's department (every department for an admin). */
export default function ApprovalsPage() {
  const { api, me, notify } = useApp();
  const scope = me.role === "department_head" ? { department_id: me.department_id } : {};
  const queue = useLoad(() => api.all<Timesheet>("/timesheets/", { status: "submitted", ...scope }), [api]);
  const employees = useLoad(() => api.all<Named>("/employees/", scope), [api]);
  const projects = useLoad(() => api.all<Named>("/projects/"), [api]);
  const [rejecting, setRejecting] = useState<Timesheet | null>(null);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [who, setWho] = useState("");
  const people = new Map((employees.data ?? []).map((e) => [e.id, e.name]));
  const work = new Map((projects.data ?? []).map((p) => [p.id, p.name]));

  async function review(entry: Timesheet, action: "approve" | "reject", why?: string) {
    setError(null);
    try {
      await api.request("POST", `/timesheets/${entry.id}/${action}`, action === "reject" ? { body: { reason: why || null } } : {});
      notify(`${people.get(entry.employee_id) ?? "Entry"}, ${date(entry.date)}: ${action === "approve" ? "approved" : "rejected"}.`);
      queue.reload();
    } catch (err) {
      setError(err);
    }
  }

  return html`<div class="page approvals">
    <div class="page-head"><h1>Approvals</h1>
      <p class="muted">${me.role === "department_head" ? "Submitted hours of your department." : "Submitted hours of every department."}</p></div>
    <${ErrorBox} error=${error ?? queue.error} />
    <div class="toolbar"><div class="field inline"><label for="appr-who">Employee</label>
      <select id="appr-who" value=${who} onChange=${(e: Event) => setWho((e.target as HTMLSelectElement).value)}>
        <option value="">Everyone</option>
        ${[...new Set((queue.data ?? []).map((t) => t.employee_id))].sort((a, b) => (people.get(a) ?? "").localeCompare(people.get(b) ?? "")).map((id) => html`<option value=${id}>${people.get(id) ?? id}</option>`)}
      </select></div></div>
    ${!queue.data ? html`<${Loading} />` : html`<${DataTable} caption="Submitted timesheets" rows=${queue.data.filter((t) => !who || String(t.employee_id) === who)} rowKey=${(t: Timesheet) => t.id}
      initialSort=${{ key: "date", dir: "asc" }}
      columns=${[
        { key: "employee", label: "Employee", value: (t: Timesheet) => people.get(t.employee_id) ?? String(t.employee_id) },
        { key: "project", label: "Project", value: (t: Timesheet) => work.get(t.project_id) ?? String(t.project_id) },
        { key: "date", label: "Date", value: (t: Timesheet) => t.date, render: (t: Timesheet) => date(t.date) },
        { key: "hours", label: "Hours", value: (t: Timesheet) => t.hours_worked, render: (t: Timesheet) => hours(t.hours_worked), numeric: true },
        { key: "description", label: "Description", value: (t: Timesheet) => t.description },
      ]}
      actions=${(t: Timesheet) => html`
        <button type="button" class="link ok" onClick=${() => review(t, "approve")} aria-label=${`Approve ${people.get(t.employee_id) ?? ""} ${date(t.date)} ${t.hours_worked} hours`}>Approve</button>
        <button type="button" class="link danger" onClick=${() => (setReason(""), setRejecting(t))} aria-label=${`Reject ${people.get(t.employee_id) ?? ""} ${date(t.date)} ${t.hours_worked} hours`}>Reject</button>`} />`}
    ${rejecting
      ? html`<${Dialog} title="Reject entry" onClose=${() => setRejecting(null)}>
          <form onSubmit=${(e: Event) => (e.preventDefault(), review(rejecting, "reject", reason), setRejecting(null))}>
            <p>${people.get(rejecting.employee_id)}, ${date(rejecting.date)}, ${hours(rejecting.hours_worked)} on ${work.get(rejecting.project_id)}.</p>
            <${Field} label="Reason (the employee sees it)" name="reason" type="textarea" value=${reason} onInput=${setReason} required />
            <div class="buttons"><button type="submit" class="primary danger" disabled=${!reason.trim()}>Reject</button>
              <button type="button" class="secondary" onClick=${() => setRejecting(null)}>Cancel</button></div>
          </form>
        <//>`
      : null}
  </div>`;
}
