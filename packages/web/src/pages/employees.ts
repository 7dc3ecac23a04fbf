import { html } from "../html.js";
import { date, money } from "../format.js";
import { RecordsPage, numberOrText, type RecordsConfig } from "../components/records.js";
import { useApp } from "../ui.js";
import { departmentNames, useDepartments } from "./shared.js";

interface Employee {
  readonly id: number;
  readonly name: string;
  readonly email: string | null;
  readonly department_id: number;
  readonly salary?: number;
  readonly revenue_generated: number;
  readonly hire_date: string | null;
  readonly skills: readonly string[];
  readonly is_active: boolean;
}

/** Employees: search, department and status filters, create and edit within the caller's reach. */
export default function EmployeesPage() {
  const { can, me } = useApp();
  const departments = useDepartments();
  const names = departmentNames(departments.data);
  const depOptions = (departments.data ?? []).map((d) => ({ value: String(d.id), label: d.name }));
  const editable = depOptions.filter((o) => can.editIn(Number(o.value)));
  const config: RecordsConfig<Employee> = {
    title: "Employees",
    singular: "Employee",
    path: "/employees/",
    label: (e) => e.name,
    search: (e) => `${e.name} ${e.email ?? ""} ${e.skills.join(" ")}`,
    searchHint: "Name, email, skill…",
    filters: [
      { name: "department", label: "Department", options: depOptions, match: (e, v) => String(e.department_id) === v },
      { name: "status", label: "Status", options: [{ value: "true", label: "Active" }, { value: "false", label: "Inactive" }], match: (e, v) => String(e.is_active) === v },
    ],
    columns: [
      { key: "name", label: "Name", value: (e) => e.name },
      { key: "email", label: "Email", value: (e) => e.email },
      { key: "department", label: "Department", value: (e) => names.get(e.department_id) ?? String(e.department_id) },
      { key: "salary", label: "Salary", value: (e) => e.salary ?? null, render: (e) => (e.salary === undefined ? html`<span class="muted" title="Pay is shown to admins, analysts, the department's head and the person">hidden</span>` : money(e.salary)), numeric: true },
      { key: "revenue", label: "Revenue", value: (e) => e.revenue_generated, render: (e) => money(e.revenue_generated), numeric: true },
      { key: "hire", label: "Hired", value: (e) => e.hire_date, render: (e) => date(e.hire_date) },
      { key: "active", label: "Status", value: (e) => (e.is_active ? "Active" : "Inactive") },
    ],
    fields: [
      { name: "name", label: "Name", required: true },
      { name: "email", label: "Email", type: "email" },
      { name: "department_id", label: "Department", type: "select", required: true, options: editable },
      { name: "salary", label: "Annual salary", type: "number", required: true, step: "100" },
      { name: "revenue_generated", label: "Revenue generated", type: "number", step: "100" },
      { name: "hire_date", label: "Hire date", type: "date" },
      { name: "skills", label: "Skills", hint: "Comma-separated, e.g. typescript, sql" },
      { name: "is_active", label: "Active", type: "checkbox" },
    ],
    toForm: (e) => ({
      name: e?.name ?? "",
      email: e?.email ?? "",
      department_id: String(e?.department_id ?? me.department_id ?? editable[0]?.value ?? ""),
      salary: e?.salary !== undefined ? String(e.salary) : "",
      revenue_generated: e ? String(e.revenue_generated) : "0",
      hire_date: e?.hire_date ?? "",
      skills: e?.skills.join(", ") ?? "",
      is_active: String(e?.is_active ?? true),
    }),
    toBody: (f) => ({
      name: f.name ?? "",
      email: f.email || null,
      department_id: numberOrText(f.department_id),
      salary: numberOrText(f.salary),
      revenue_generated: numberOrText(f.revenue_generated) ?? 0,
      hire_date: f.hire_date || null,
      skills: (f.skills ?? "").split(",").map((s) => s.trim()).filter(Boolean),
      is_active: f.is_active === "true",
    }),
    canCreate: editable.length > 0,
    canEdit: (e) => can.editIn(e.department_id),
  };
  return html`<${RecordsPage} config=${config} />`;
}
