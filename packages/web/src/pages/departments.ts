import { html } from "../html.js";
import { money } from "../format.js";
import { RecordsPage, numberOrText, type RecordsConfig } from "../components/records.js";
import { useApp } from "../ui.js";

interface Department {
  readonly id: number;
  readonly name: string;
  readonly budget: number;
  readonly description: string | null;
}

/** Departments: list, search, create (admins, department heads), edit (admins, the head of it). */
export default function DepartmentsPage() {
  const { can } = useApp();
  const config: RecordsConfig<Department> = {
    title: "Departments",
    singular: "Department",
    path: "/departments/",
    label: (d) => d.name,
    search: (d) => `${d.name} ${d.description ?? ""}`,
    searchHint: "Name, description…",
    columns: [
      { key: "name", label: "Name", value: (d) => d.name, render: (d) => (can.predictions ? html`<a href=${`#/forecasts?kind=department&id=${d.id}`} class="plain" title="Forecast">${d.name}</a>` : d.name) },
      { key: "budget", label: "Budget", value: (d) => d.budget, render: (d) => money(d.budget), numeric: true },
      { key: "description", label: "Description", value: (d) => d.description },
    ],
    fields: [
      { name: "name", label: "Name", required: true, hint: "2 to 100 characters, unique" },
      { name: "budget", label: "Budget", type: "number", required: true, step: "1000" },
      { name: "description", label: "Description", type: "textarea" },
    ],
    toForm: (d) => ({ name: d?.name ?? "", budget: d ? String(d.budget) : "", description: d?.description ?? "" }),
    toBody: (f) => ({ name: f.name ?? "", budget: numberOrText(f.budget), description: f.description || null }),
    canCreate: can.createDepartments,
    canEdit: (d) => can.editIn(d.id),
  };
  return html`<${RecordsPage} config=${config} />`;
}
