import { html } from "../html.js";
import { CompanyDashboard, DepartmentCard, Rankings, type Period } from "../components/dashboard-parts.js";
import { PeriodPicker, presets } from "../components/period-picker.js";
import { ErrorBox, Loading, useApp, useLoad } from "../ui.js";

interface Department {
  readonly id: number;
  readonly name: string;
}

/** The period in the address (`#/dashboard?from=…&to=…`), else the last 12 months. */
export function periodFrom(params: URLSearchParams): Period {
  const from = params.get("from");
  const to = params.get("to");
  return from && to ? { from, to } : presets()[0]!.period;
}

function go(period: Period) {
  location.hash = `#/dashboard?from=${period.from ?? ""}&to=${period.to ?? ""}`;
}

/**
 * The dashboard: company figures, ROI bars, monthly lines and rankings for those who may read the
 * company's analytics (admins, analysts); the departments' cards for everyone else, theirs first.
 */
export function DashboardPage({ params }: { params: URLSearchParams }) {
  const { api, me, can } = useApp();
  const period = periodFrom(params);
  // Company roles without a department need no list of departments (one round trip less).
  const needsDepartments = !can.companyAnalytics || me.department_id !== null;
  const departments = useLoad(() => (needsDepartments ? api.all<Department>("/departments/") : Promise.resolve([])), [api, needsDepartments]);
  const own = departments.data?.find((d) => d.id === me.department_id);
  const others = (departments.data ?? []).filter((d) => d.id !== me.department_id);
  return html`<div class="page dashboard">
    <div class="page-head">
      <h1>Dashboard</h1>
      <${PeriodPicker} period=${period} onChange=${go} />
    </div>
    ${own ? html`<h2>Your department</h2><${DepartmentCard} api=${api} departmentId=${own.id} period=${period} highlight=${true} />` : null}
    ${can.companyAnalytics
      ? html`<h2>Company</h2><${CompanyDashboard} api=${api} period=${period} /><h2>Rankings</h2><${Rankings} api=${api} period=${period} />`
      : null}
    ${!can.companyAnalytics
      ? html`<h2>${own ? "Other departments" : "Departments"}</h2>
          ${departments.error ? html`<${ErrorBox} error=${departments.error} />` : !departments.data ? html`<${Loading} />` : html`<div class="cards-grid">
            ${others.map((d) => html`<${DepartmentCard} key=${d.id} api=${api} departmentId=${d.id} period=${period} showSeries=${false} />`)}
          </div>`}`
      : null}
  </div>`;
}

export default DashboardPage;
