/**
 * `pnpm bench:web`: the web app's budget (issue 14).
 *
 * 1. The first page's JavaScript, gzipped (level 9): every script `index.html` loads or preloads
 *    (the dashboard is in the first chunk; other pages load on first visit). Budget: 250 KB.
 * 2. The dashboard drawn after sign-in, in headless Chromium, on `epca serve` (PGlite, the demo
 *    organisation): from the click on "Sign in" to the last chart and ranking drawn, as an admin
 *    (company figures, both charts, rankings) and as a department head (their department's card and
 *    chart first, then the others). Beside it, the API's own time for the same figures: the same
 *    requests, in the same order and parallelism, from Node with the same server. Budget: 1 s.
 *
 * Median and worst of `RUNS` (default 7) after one warm-up, on this machine.
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
    await Promise.all([get(`/analytics/company?${q}`), get(`/analytics/company/series?${q}&interval=month`), get(`/analytics/top-performers?${q}&limit=5&metric=productivity_index`), get(`/analytics/top-projects?${q}&limit=5&metric=roi`)]);
  } else {
    const departments = (await get("/departments/?skip=0&limit=1000")) as { id: number }[];
    const prev = previousPeriod(period);
    await Promise.all(
      departments.flatMap((d) => [
        get(`/analytics/departments/${d.id}?${q}`),
        // The head's own department (Engineering, id 1) also shows its trend and monthly lines.
        ...(d.id === 1 ? [get(`/analytics/departments/${d.id}?from=${prev.from}&to=${prev.to}`), get(`/analytics/departments/${d.id}/series?${q}&interval=month`)] : []),
      ]),
    );
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
      const api: number[] = [];
      for (let run = 0; run <= RUNS; run += 1) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
        const page = await context.newPage();
        await page.goto(`${server.base}/`);
        await page.getByLabel("Email").fill(who === "admin" ? ADMIN.email : "head.engineering@example.com");
        await page.getByLabel("Password", { exact: true }).fill(who === "admin" ? ADMIN.password : PASSWORD);
        const started = performance.now();
        await page.getByRole("button", { name: "Sign in" }).click();
        if (who === "admin") {
          await page.getByRole("img", { name: "Monthly revenue, cost and hours" }).waitFor();
          await page.getByRole("img", { name: "ROI by department" }).waitFor();
        } else {
          await page.getByRole("img", { name: "Engineering: monthly revenue, cost and hours" }).waitFor();
        }
        await page.waitForFunction(() => document.querySelector("main h1")?.textContent === "Dashboard" && document.querySelectorAll(".loading").length === 0);
        const ms = performance.now() - started;
        await context.close();
        const apiMs = await apiTime(server, who, period);
        if (run > 0) {
          drawn.push(ms);
          api.push(apiMs);
        }
      }
      const label = who === "admin" ? "admin (company dashboard)" : "department head (own department first)";
      console.log(
        `dashboard drawn after sign-in, ${label}: median ${median(drawn).toFixed(0)} ms, worst ${worst(drawn).toFixed(0)} ms ` +
          `(budget 1000 ms: ${median(drawn) < 1000 ? "OK" : "OVER"}) · the API's own time for the same requests: median ${median(api).toFixed(0)} ms, worst ${worst(api).toFixed(0)} ms`,
      );
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
