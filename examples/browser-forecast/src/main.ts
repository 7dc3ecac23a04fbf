/**
 * Logs in to an EPCA server, downloads the deployed allocation model's artifacts and a
 * department's monthly history, then forecasts hours, cost, revenue and profit here with
 * `@epca/ml` (the same calls the server makes for `GET /predict/department/{id}`) and draws the
 * figure named by `figure` (default cost): history, forecast and its interval.
 *
 * Query parameters: `api` (the server's origin), `email`, `password`, `department`, `as_of`,
 * `horizon` (default 3), `figure`.
 */
import { forecast, type Forecast } from "@epca/ml";
import { loadAllocationModel, useBackend } from "@epca/ml/allocation";

type HistoryPoint = { month: string; hours: number; cost: number; revenue: number; profit: number };
const FIGURES = ["hours", "cost", "revenue", "profit"] as const;
type Figure = (typeof FIGURES)[number];

const params = new URLSearchParams(location.search);
const api = `${params.get("api") ?? location.origin}/api/v1`;
const status = document.getElementById("status")!;
const say = (text: string) => (status.textContent = text);

async function call<T>(path: string, init: RequestInit = {}, token?: string): Promise<T> {
  const headers = new Headers(init.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  const response = await fetch(api + path, { ...init, headers });
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const money = (v: number) => v.toLocaleString("en", { maximumFractionDigits: 0 });

/** Draws the history and the forecast of one figure, with its interval as a band. */
function draw(history: HistoryPoint[], figure: Figure, f: Forecast): void {
  const svg = document.getElementById("chart")!;
  const W = 760, H = 320, left = 70, right = 20, top = 20, bottom = 40;
  const months = [...history.map((h) => h.month), ...f.points.map((p) => p.month)];
  const values = [...history.map((h) => h[figure]), ...f.points.flatMap((p) => [p.lower, p.upper])];
  const min = Math.min(0, ...values), max = Math.max(...values) * 1.05 || 1;
  const x = (i: number) => left + (i * (W - left - right)) / Math.max(1, months.length - 1);
  const y = (v: number) => top + ((max - v) * (H - top - bottom)) / (max - min);
  const n = history.length;
  const last = history[n - 1]!;
  const band = [
    `${x(n - 1)},${y(last[figure])}`,
    ...f.points.map((p, i) => `${x(n + i)},${y(p.upper)}`),
    ...f.points.map((p, i) => `${x(n + i)},${y(p.lower)}`).reverse(),
  ].join(" ");
  const line = (pts: [number, number][]) => pts.map(([a, b]) => `${a},${b}`).join(" ");
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => min + t * (max - min));
  svg.innerHTML = [
    ...ticks.map((t) => `<line x1="${left}" x2="${W - right}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e7eb"/><text x="${left - 6}" y="${y(t) + 4}" text-anchor="end" font-size="11">${money(t)}</text>`),
    ...months.map((m, i) => ((i % 3 === 0 && months.length - 1 - i >= 3) || i === months.length - 1 ? `<text x="${x(i)}" y="${H - 20}" text-anchor="middle" font-size="11">${m}</text>` : "")),
    `<polygon points="${band}" fill="#fed7aa" stroke="none"/>`,
    `<polyline points="${line(history.map((h, i) => [x(i), y(h[figure])]))}" fill="none" stroke="#2563eb" stroke-width="2"/>`,
    `<polyline points="${line([[x(n - 1), y(last[figure])], ...f.points.map((p, i): [number, number] => [x(n + i), y(p.predicted)])])}" fill="none" stroke="#ea580c" stroke-width="2" stroke-dasharray="6 4"/>`,
    ...f.points.map((p, i) => `<circle cx="${x(n + i)}" cy="${y(p.predicted)}" r="3" fill="#ea580c"/>`),
    `<text x="${left}" y="14" font-size="12" font-weight="600">${figure} per month (${Math.round(f.confidence * 100)}% interval, model ${f.model.type})</text>`,
  ].join("");
}

async function main(): Promise<void> {
  say("Logging in…");
  const login = await call<{ access_token: string }>("/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: params.get("email"), password: params.get("password") }),
  });
  const token = login.access_token;

  say("Downloading the deployed allocation model…");
  const models = await call<{ data: { id: number; status: string; version: number }[] }>("/ml/models?type=allocation", {}, token);
  const deployed = models.data.find((m) => m.status === "deployed") ?? null;
  let model: { version: number; features: number; backend: string; maeHours: number | null } | null = null;
  if (deployed) {
    const { data } = await call<{ data: { version: number; artifacts: unknown } }>(`/ml/models/${deployed.id}/artifacts`, {}, token);
    const backend = await useBackend("cpu");
    const loaded = await loadAllocationModel(data.artifacts);
    model = { version: data.version, features: loaded.featureNames.length, backend, maeHours: loaded.metrics.mae_hours };
    loaded.network.dispose();
    document.getElementById("model")!.textContent = `Allocation model v${model.version} loaded here (${model.features} features, ${backend} backend, validation MAE ${model.maeHours?.toFixed(1)} h).`;
  }

  say("Downloading the history…");
  const department = params.get("department");
  const horizon = Number(params.get("horizon") ?? 3);
  const asOf = params.get("as_of");
  const history = await call<{ as_of: string; points: HistoryPoint[] }>(`/predict/department/${department}/history${asOf ? `?as_of=${asOf}` : ""}`, {}, token);

  say("Forecasting in the browser…");
  const forecasts = Object.fromEntries(
    FIGURES.map((figure) => [figure, forecast(history.points.map((p) => ({ month: p.month, value: p[figure] })), { horizon, nonNegative: figure !== "profit" })]),
  ) as Record<Figure, Forecast>;
  const shown = (params.get("figure") ?? "cost") as Figure;
  draw(history.points, shown, forecasts[shown]);
  document.getElementById("figures")!.innerHTML =
    "<tr><th>figure</th><th>model</th><th>predicted</th><th>lower</th><th>upper</th></tr>" +
    FIGURES.map((k) => `<tr><td>${k}</td><td>${forecasts[k].model.type}</td><td>${money(forecasts[k].totals.predicted)}</td><td>${money(forecasts[k].totals.lower)}</td><td>${money(forecasts[k].totals.upper)}</td></tr>`).join("");
  say(`Forecast of department ${department} from the end of ${history.as_of}, ${horizon} months ahead, computed in this browser.`);
  (window as unknown as { result: unknown }).result = {
    ok: true,
    as_of: history.as_of,
    model,
    forecasts: Object.fromEntries(FIGURES.map((k) => [k, { model: forecasts[k].model.type, totals: forecasts[k].totals, points: forecasts[k].points }])),
  };
}

main().catch((error: unknown) => {
  say(`Failed: ${String(error)}`);
  (window as unknown as { result: unknown }).result = { ok: false, error: String(error) };
});
