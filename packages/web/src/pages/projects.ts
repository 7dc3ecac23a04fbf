import { html } from "../html.js";
import { date, money, num } from "../format.js";
import { RecordsPage, numberOrText, type RecordsConfig } from "../components/records.js";
import { useApp } from "../ui.js";
import { departmentNames, useDepartments } from "./shared.js";

interface Project {
  readonly id: number;
  readonly name: string;
  readonly department_id: number;
  readonly cost: number;
  readonly revenue: number;
  readonly status: string;
  readonly completion_percentage: number;
  readonly start_date: string | null;
  readonly end_date: string | null;
  readonly estimated_end_date: string | null;
}

export const STATUSES = ["planned", "in_progress", "completed", "on_hold", "cancelled"] as const;
const statusLabel = (s: string) => s.replace("_", " ").replace(/^./, (c) => c.toUpperCase());

/** Projects: search, department and status filters, create and edit within the caller's reach. */
export default function ProjectsPage() {
  const { can, me } = useApp();
  const departments = useDepartments();
  const names = departmentNames(departments.data);
  const depOptions = (departments.data ?? []).map((d) => ({ value: String(d.id), label: d.name }));
  const editable = depOptions.filter((o) => can.editIn(Number(o.value)));
  const statusOptions = STATUSES.map((s) => ({ value: s, label: statusLabel(s) }));
  const config: RecordsConfig<Project> = {
    title: "Projects",
    singular: "Project",
    path: "/projects/",
    label: (p) => p.name,
    search: (p) => p.name,
    filters: [
      { name: "department", label: "Department", options: depOptions, match: (p, v) => String(p.department_id) === v },
      { name: "status", label: "Status", options: statusOptions, match: (p, v) => p.status === v },
    ],
    columns: [
      { key: "name", label: "Name", value: (p) => p.name, render: (p) => (can.predictions ? html`<a href=${`#/forecasts?kind=project&id=${p.id}`} class="plain" title="Forecast">${p.name}</a>` : p.name) },
      { key: "department", label: "Department", value: (p) => names.get(p.department_id) ?? String(p.department_id) },
      { key: "status", label: "Status", value: (p) => statusLabel(p.status), render: (p) => html`<span class=${`status s-${p.status}`}>${statusLabel(p.status)}</span>` },
      { key: "completion", label: "Done", value: (p) => p.completion_percentage, render: (p) => `${num(p.completion_percentage, 0)}%`, numeric: true },
      { key: "cost", label: "Cost", value: (p) => p.cost, render: (p) => money(p.cost), numeric: true },
      { key: "revenue", label: "Revenue", value: (p) => p.revenue, render: (p) => money(p.revenue), numeric: true },
      { key: "end", label: "Due", value: (p) => p.end_date ?? p.estimated_end_date, render: (p) => date(p.end_date ?? p.estimated_end_date) },
    ],
    fields: [
      { name: "name", label: "Name", required: true },
      { name: "department_id", label: "Department", type: "select", required: true, options: editable },
      { name: "status", label: "Status", type: "select", required: true, options: statusOptions },
      { name: "cost", label: "Direct cost", type: "number", required: true, step: "100" },
      { name: "revenue", label: "Revenue", type: "number", required: true, step: "100" },
      { name: "completion_percentage", label: "Completion (%)", type: "number", step: "1" },
      { name: "start_date", label: "Start date", type: "date" },
      { name: "estimated_end_date", label: "Estimated end date", type: "date" },
    ],
    toForm: (p) => ({
      name: p?.name ?? "",
      department_id: String(p?.department_id ?? me.department_id ?? editable[0]?.value ?? ""),
      status: p?.status ?? "planned",
      cost: p ? String(p.cost) : "",
      revenue: p ? String(p.revenue) : "0",
      completion_percentage: p ? String(p.completion_percentage) : "0",
      start_date: p?.start_date ?? "",
      estimated_end_date: p?.estimated_end_date ?? "",
    }),
    toBody: (f) => ({
      name: f.name ?? "",
      department_id: numberOrText(f.department_id),
      status: f.status,
      cost: numberOrText(f.cost),
      revenue: numberOrText(f.revenue),
      completion_percentage: numberOrText(f.completion_percentage) ?? 0,
      start_date: f.start_date || null,
      estimated_end_date: f.estimated_end_date || null,
    }),
    canCreate: editable.length > 0,
    canEdit: (p) => can.editIn(p.department_id),
  };
  return html`<${RecordsPage} config=${config} />`;
}
