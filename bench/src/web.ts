/**
 * `pnpm bench:web`: the web app's budget (issue 14).
 *
 * 1. The first page's JavaScript, gzipped (level 9): every script `index.html` loads or preloads
 *    (the dashboard is in the first chunk; other pages load on first visit). Budget: 250 KB.
 * 2. The dashboard drawn after sign-in, in headless Chromium, on `epca serve` (PGlite, the demo
 *    organisation), as an admin (company figures, both charts, rankings) and as a department head
 *    (their department's card and chart first, then the others): from the click on "Sign in" to
 *    the key figures (the company's cards, or the head's own department card), to the charts, and
 *    to everything drawn (nothing left loading), each read in the page on the first animation frame
 *    where it holds. Beside it, the API's own time for the same figures: the same requests, in the
 *    same order and parallelism, from Node with the same server. Budget: 1 s.
 *
 * Median and worst of `RUNS` (default 7) after one warm-up, on this machine. `WATERFALL=1` also
 * prints the page's API requests after the click (Chromium's Resource Timing entries, median start
 * and end of each): what the page waits on.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ADMIN, PASSWORD, WEB_DIST, launchBrowser, skipReason, startDemoServer, type DemoServer } from "../../packages/web/test/support/e2e.js";

const RUNS = Number(process.env.RUNS ?? 7);

function firstPageJs(): { files: string[]; gzipBytes: number; rawBytes: number } {
  const html = readFileSync(join(WEB_DIST, "index.html"), "utf8");
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  let gzipBytes = 0;
  let rawBytes = 0;
  for (const file of files) {
    const bytes = readFileSync(join(WEB_DIST, file));
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  return { files, gzipBytes, rawBytes };
}

/** The period of the same length just before (the app's `previousPeriod`). */
function previousPeriod(period: { from: string; to: string }): { from: string; to: string } {
  const from = Date.parse(`${period.from}T00:00:00Z`);
  const days = Math.round((Date.parse(`${period.to}T00:00:00Z`) - from) / 86_400_000) + 1;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(from - days * 86_400_000), to: iso(from - 86_400_000) };
}

/** What to wait for: a selector, charts by title, or the whole dashboard (its heading and nothing left loading). */
type Moment = { selector: string } | { charts: string[] } | { all: true };

/** When `moment` first held, in ms after the click on "Sign in" (polled on every animation frame in the page). */
async function drawnAt(page: import("playwright-core").Page, moment: Moment): Promise<number> {
  const handle = await page.waitForFunction(
    (m: Moment) => {
      const holds =
        "selector" in m
          ? document.querySelector(m.selector) !== null
          : "charts" in m
            ? m.charts.every((title) => Array.from(document.querySelectorAll("svg[role=img]")).some((svg) => document.getElementById(svg.getAttribute("aria-labelledby") ?? "")?.textContent === title))
            : document.querySelector("main h1")?.textContent === "Dashboard" && document.querySelectorAll(".loading").length === 0;
      return holds ? performance.now() - (performance.getEntriesByName("epca-click")[0]?.startTime ?? 0) : false;
    },
    moment,
    { polling: "raf", timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

/** One request of the page after the click: its path, start and end (ms after the click), from the Resource Timing entries. */
interface Request {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}
type Waterfall = Request[];

/** The page's API requests after the click on "Sign in" (Chromium's performance timeline). */
async function waterfall(page: import("playwright-core").Page): Promise<Waterfall> {
  return page.evaluate(() => {
    const click = performance.getEntriesByName("epca-click")[0]?.startTime ?? 0;
    return (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
      .filter((e) => e.name.includes("/api/v1/") && e.startTime >= click)
      .map((e) => {
        const url = new URL(e.name);
        return { path: url.pathname.replace("/api/v1", "") + (url.searchParams.has("interval") ? "?interval" : ""), start: e.startTime - click, end: e.responseEnd - click };
      })
      .sort((a, b) => a.start - b.start);
  });
}

/** The median start and end of each request (by its position), as a text waterfall. */
function printWaterfall(runs: Waterfall[]): void {
  const n = Math.min(...runs.map((r) => r.length));
  console.log(`  request waterfall (median of ${runs.length} runs, ms after the click; ${n} requests):`);
  for (let i = 0; i < n; i += 1) {
    const start = median(runs.map((r) => r[i]!.start));
    const end = median(runs.map((r) => r[i]!.end));
    const bar = " ".repeat(Math.round(start / 25)) + "#".repeat(Math.max(1, Math.round((end - start) / 25)));
    console.log(`  ${String(start.toFixed(0)).padStart(5)}–${end.toFixed(0).padEnd(5)} ${runs[0]![i]!.path.padEnd(42)} ${bar}`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const worst = (xs: number[]) => Math.max(...xs);

/** The requests the dashboard sends for `who`, timed from Node (the API's own time). */
async function apiTime(server: DemoServer, who: "admin" | "head", period: { from: string; to: string }): Promise<number> {
  const started = performance.now();
  const email = who === "admin" ? ADMIN.email : "head.engineering@example.com";
  const response = await fetch(`${server.base}/api/v1/auth/login`, { method: "POST", body: new URLSearchParams({ username: email, password: who === "admin" ? ADMIN.password : PASSWORD }) });
  const { access_token: token } = (await response.json()) as { access_token: string };
  const get = async (path: string) => {
    const r = await fetch(`${server.base}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!r.ok) throw new Error(`${path}: ${r.status}`);
    return r.json();
  };
  const q = `from=${period.from}&to=${period.to}`;
  await get("/auth/me");
  if (who === "admin") {
    // The company's figures (with monthly_revenue, the default period's series), then the rankings.
    await get(`/analytics/company?${q}`);
    await Promise.all([get(`/analytics/top-performers?${q}&limit=5&metric=productivity_index`), get(`/analytics/top-projects?${q}&limit=5&metric=roi`)]);
  } else {
    // The list of departments and the head's own (Engineering, id 1) with its trend and monthly lines, then the others.
    const prev = previousPeriod(period);
    const [departments] = (await Promise.all([
      get("/departments/?skip=0&limit=1000"),
      get(`/analytics/departments/1?${q}`),
      get(`/analytics/departments/1?from=${prev.from}&to=${prev.to}`),
      get(`/analytics/departments/1/series?${q}&interval=month`),
    ])) as [{ id: number }[], ...unknown[]];
    await Promise.all(departments.filter((d) => d.id !== 1).map((d) => get(`/analytics/departments/${d.id}?${q}`)));
  }
  return performance.now() - started;
}

async function main(): Promise<void> {
  if (skipReason) throw new Error(skipReason);
  const js = firstPageJs();
  console.log(`first page JavaScript: ${(js.gzipBytes / 1024).toFixed(1)} KB gzipped (${(js.rawBytes / 1024).toFixed(1)} KB raw) in ${js.files.length} file(s): ${js.files.join(", ")} — budget 250 KB: ${js.gzipBytes < 250 * 1024 ? "OK" : "OVER"}`);

  const server = await startDemoServer();
  const browser = await launchBrowser();
  try {
    const now = new Date();
    const y = now.getUTCFullYear();
    const m = now.getUTCMonth();
    const period = { from: new Date(Date.UTC(y, m - 12, 1)).toISOString().slice(0, 10), to: new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10) };
    for (const who of ["admin", "head"] as const) {
      const drawn: number[] = [];
      const keyFigures: number[] = [];
      const chartsDrawn: number[] = [];
      const waterfalls: Waterfall[] = [];
      const api: number[] = [];
      for (let run = 0; run <= RUNS; run += 1) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
        const page = await context.newPage();
        await page.goto(`${server.base}/`);
        await page.getByLabel("Email").fill(who === "admin" ? ADMIN.email : "head.engineering@example.com");
        await page.getByLabel("Password", { exact: true }).fill(who === "admin" ? ADMIN.password : PASSWORD);
        // The moment of the click itself (Playwright's checks before it are not the page's time).
        await page.evaluate(() => document.addEventListener("click", () => performance.mark("epca-click"), { capture: true, once: true }));
        await page.getByRole("button", { name: "Sign in" }).click();
        // Each moment is read in the page: the first animation frame where it holds, in ms after the click.
        const key = await drawnAt(page, who === "admin" ? { selector: ".metrics-grid .metric .value" } : { selector: ".department-card.highlight dl.figures" });
        const charts = await drawnAt(page, { charts: who === "admin" ? ["ROI by department", "Monthly revenue, cost and hours"] : ["Engineering: monthly revenue, cost and hours"] });
        const ms = await drawnAt(page, { all: true });
        if (run > 0) waterfalls.push(await waterfall(page));
        await context.close();
        const apiMs = await apiTime(server, who, period);
        if (run > 0) {
          keyFigures.push(key);
          chartsDrawn.push(charts);
          drawn.push(ms);
          api.push(apiMs);
        }
      }
      const label = who === "admin" ? "admin (company dashboard)" : "department head (own department first)";
      console.log(
        `dashboard drawn after sign-in, ${label}: key figures median ${median(keyFigures).toFixed(0)} ms, charts ${median(chartsDrawn).toFixed(0)} ms, all drawn median ${median(drawn).toFixed(0)} ms, worst ${worst(drawn).toFixed(0)} ms ` +
          `(budget 1000 ms: ${median(drawn) < 1000 ? "OK" : "OVER"}) · the API's own time for the same requests: median ${median(api).toFixed(0)} ms, worst ${worst(api).toFixed(0)} ms`,
      );
      if (process.env.WATERFALL) printWaterfall(waterfalls);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
