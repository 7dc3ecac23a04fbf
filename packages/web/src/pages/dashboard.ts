import { useCallback, useState } from "preact/hooks";
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
 *
 * What it asks, and when (docs/web.md): the user's own department (`me.department_id`) at once,
 * beside the list of departments rather than after it; the other departments' figures only once
 * the own card's figures and lines have arrived, and the rankings once the company's figures have,
 * so that the figures the user reads first are answered first by a server that answers one
 * request at a time (the embedded PGlite store).
 */
export function DashboardPage({ params }: { params: URLSearchParams }) {
  const { api, me, can } = useApp();
  const period = periodFrom(params);
  const ownId = me.department_id;
  const [ownSettled, setOwnSettled] = useState(ownId === null);
  const onOwnSettled = useCallback(() => setOwnSettled(true), []);
  // The rankings are asked for once the company's figures have arrived (the same reason).
  const [companySettled, setCompanySettled] = useState(false);
  const onCompanySettled = useCallback(() => setCompanySettled(true), []);
  // Only the other departments' cards need the list (company roles see department_metrics instead).
  const needsDepartments = !can.companyAnalytics;
  // The list is small and cheap: asked for at once, its cards drawn (and their figures asked for) after the own card.
  const departments = useLoad(() => (needsDepartments ? api.all<Department>("/departments/") : Promise.resolve(null)), [api, needsDepartments]);
  const others = (departments.data ?? []).filter((d) => d.id !== ownId);
  return html`<div class="page dashboard">
    <div class="page-head">
      <h1>Dashboard</h1>
      <${PeriodPicker} period=${period} onChange=${go} />
    </div>
    ${ownId !== null
      ? html`<h2>Your department</h2><${DepartmentCard} api=${api} departmentId=${ownId} period=${period} highlight=${true} onSettled=${onOwnSettled} />`
      : null}
    ${can.companyAnalytics
      ? html`<h2>Company</h2><${CompanyDashboard} api=${api} period=${period} onSettled=${onCompanySettled} />
          <h2>Rankings</h2>${companySettled ? html`<${Rankings} api=${api} period=${period} />` : html`<${Loading} what="Loading the rankings" />`}`
      : null}
    ${!can.companyAnalytics
      ? html`<h2>${ownId !== null ? "Other departments" : "Departments"}</h2>
          ${departments.error ? html`<${ErrorBox} error=${departments.error} />` : !departments.data || !ownSettled ? html`<${Loading} what="Loading the departments" />` : html`<div class="cards-grid">
            ${others.map((d) => html`<${DepartmentCard} key=${d.id} api=${api} departmentId=${d.id} period=${period} showSeries=${false} />`)}
          </div>`}`
      : null}
  </div>`;
}

export default DashboardPage;
