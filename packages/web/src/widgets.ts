/**
 * Embeddable widgets: the dashboard's cards and charts as custom elements, in one classic script
 * (`epca-widgets.js`) a page of any origin can load.
 *
 * ```html
 * <script src="https://epca.example.com/epca-widgets.js"></script>
 * <epca-company-dashboard token="…"></epca-company-dashboard>
 * <epca-department-card department-id="3" token="…"></epca-department-card>
 * ```
 *
 * Attributes: `token` (an access token; also settable as the `token` property), `api-base` (default:
 * the script's origin + `/api/v1`), `from` / `to` (ISO dates; default the last 12 complete months),
 * `currency` (ISO 4217), `locale`.
 * Each element renders into its own shadow root, so the host page's styles do not leak in. The
 * server must allow the host page's origin in `BACKEND_CORS_ORIGINS`.
 */
import { render, type ComponentType } from "preact";
import { createApi, memoryTokenStore, type Api } from "./api.js";
import { Chart, departmentRoiSpec, monthlyTrendSpec, type SeriesAnswer, type SeriesPoint } from "./charts.js";
import { CompanyDashboard, CompanyFigures, DepartmentCard, Rankings, type CompanyAnalytics, type Period } from "./components/dashboard-parts.js";
import { presets } from "./components/period-picker.js";
import { currentCurrency, setLocale } from "./format.js";
import { html } from "./html.js";
import css from "./styles.css?inline";
import { ErrorBox, Loading, useLoad } from "./ui.js";

const scriptOrigin = (() => {
  const src = (document.currentScript as HTMLScriptElement | null)?.src;
  return src ? new URL(src).origin : location.origin;
})();

interface WidgetProps {
  readonly api: Api;
  readonly period: Period;
  readonly el: HTMLElement;
  readonly id: string;
}

let seq = 0;

/** Base of the elements: attributes → props, a shadow root, re-render on change. */
abstract class EpcaWidget extends HTMLElement {
  static get observedAttributes(): string[] {
    return ["token", "api-base", "from", "to", "currency", "locale", "department-id", "limit"];
  }
  #token: string | null = null;
  #root: ShadowRoot;
  #id = `epca-w${++seq}`;
  protected abstract view: ComponentType<WidgetProps>;
  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
  }
  /** The access token the widget sends (the `token` attribute, or set here to keep it out of the DOM). */
  get token(): string | null {
    return this.#token ?? this.getAttribute("token");
  }
  set token(value: string | null) {
    this.#token = value;
    this.update();
  }
  connectedCallback(): void {
    this.update();
  }
  attributeChangedCallback(): void {
    if (this.isConnected) this.update();
  }
  disconnectedCallback(): void {
    render(null, this.#root);
  }
  protected update(): void {
    setLocale(this.getAttribute("locale") ?? undefined, this.getAttribute("currency") ?? undefined);
    const token = this.token;
    const base = this.getAttribute("api-base") ?? `${scriptOrigin}/api/v1`;
    const api = createApi(base, memoryTokenStore(token ? { access_token: token } : null));
    // Without from/to: the last 12 complete months, as the app's dashboard (a partial month would end every line in a dip).
    const fallback = presets()[0]!.period;
    const from = this.getAttribute("from");
    const to = this.getAttribute("to");
    const period: Period = from && to ? { from, to } : fallback;
    const View = this.view;
    render(
      html`<style>${css}</style><div class="epca-widget">${token ? html`<${View} api=${api} period=${period} el=${this} id=${this.#id} />` : html`<p class="error" role="alert">EPCA widget: no token given.</p>`}</div>`,
      this.#root,
    );
  }
}

function CompanyView({ api, period, id }: WidgetProps) {
  return html`<${CompanyDashboard} api=${api} period=${period} idPrefix=${id} />`;
}

function DepartmentView({ api, period, el }: WidgetProps) {
  const id = Number(el.getAttribute("department-id"));
  if (!Number.isInteger(id) || id <= 0) return html`<p class="error" role="alert">EPCA widget: set department-id.</p>`;
  return html`<${DepartmentCard} api=${api} departmentId=${id} period=${period} />`;
}

function useCompany(api: Api, period: Period) {
  return useLoad(() => api.get<CompanyAnalytics>("/analytics/company", { from: period.from, to: period.to }), [api, period.from, period.to]);
}

function FiguresView({ api, period }: WidgetProps) {
  const company = useCompany(api, period);
  return company.error ? html`<${ErrorBox} error=${company.error} />` : company.data ? html`<${CompanyFigures} data=${company.data} />` : html`<${Loading} />`;
}

function RoiView({ api, period, id }: WidgetProps) {
  const company = useCompany(api, period);
  return company.error ? html`<${ErrorBox} error=${company.error} />` : company.data ? html`<div class="card"><${Chart} id=${id} spec=${departmentRoiSpec(company.data.department_metrics)} /></div>` : html`<${Loading} />`;
}

function TrendView({ api, period, id }: WidgetProps) {
  const series = useLoad(() => api.get<SeriesAnswer>("/analytics/company/series", { from: period.from, to: period.to, interval: "month" }).then((a) => a.points), [api, period.from, period.to]);
  return series.error ? html`<${ErrorBox} error=${series.error} />` : series.data ? html`<div class="card"><${Chart} id=${id} spec=${monthlyTrendSpec(series.data, currentCurrency())} /></div>` : html`<${Loading} />`;
}

function RankingsView({ api, period, el }: WidgetProps) {
  return html`<${Rankings} api=${api} period=${period} limit=${Number(el.getAttribute("limit") ?? 5)} />`;
}

const ELEMENTS: Record<string, ComponentType<WidgetProps>> = {
  "epca-company-dashboard": CompanyView,
  "epca-key-figures": FiguresView,
  "epca-department-card": DepartmentView,
  "epca-department-roi-chart": RoiView,
  "epca-revenue-chart": TrendView,
  "epca-rankings": RankingsView,
};

for (const [name, view] of Object.entries(ELEMENTS)) {
  if (!customElements.get(name)) {
    customElements.define(
      name,
      class extends EpcaWidget {
        protected view = view;
      },
    );
  }
}

/** The element names this script defines. */
export const elements = Object.keys(ELEMENTS);
