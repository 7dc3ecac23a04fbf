/**
 * The web app's end-to-end harness: the real `epca serve` (the CLI's build) on the embedded PGlite
 * store with the demo organisation, the built web app at `/`, and Debian's Chromium.
 *
 * The demo organisation is seeded once per day into a template data directory (`epca seed-demo`)
 * and copied for each test file, so that every file gets its own server and data without paying
 * for the seed again.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumArgs, chromiumPath } from "../../../../test-support/browser.js";
import { cleanEnv, runProcess, startProcess, type RunningProcess } from "../../../../test-support/processes.js";

export const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const CLI = join(ROOT, "packages/cli/dist/cli.js");
export const WEB_DIST = join(ROOT, "packages/web/dist");
export const SCREENSHOTS = join(ROOT, "docs/screenshots");
export const PASSWORD = "demo12345";
export const ADMIN = { email: "admin@example.com", password: "admin12345" };

/** True when the builds the tests need exist (else the suites skip with that reason). */
export const built = existsSync(CLI) && existsSync(join(WEB_DIST, "index.html")) && existsSync(join(WEB_DIST, "epca-widgets.js"));
export const skipReason = !chromiumPath
  ? "no Chromium (apt-get install chromium)"
  : !built
    ? 'the CLI and web builds are missing: run pnpm --filter "@epca/cli..." run build'
    : null;
if (skipReason) console.warn(`[epca] web e2e SKIPPED: ${skipReason}`);

/** A running demo server. */
export interface DemoServer {
  readonly base: string;
  readonly process: RunningProcess;
  /** A token pair for a demo user. */
  login(email: string, password?: string, tenant?: string): Promise<string>;
  /** `GET|POST…` on the API with a token; answers status, headers and the parsed body. */
  api(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; headers: Headers; body: any }>;
  stop(): Promise<void>;
}

const baseEnv = {
  LOG_LEVEL: "warn",
  SCRYPT_LOG_N: "10",
  RATE_LIMIT_PER_MINUTE: "0",
  RATE_LIMIT_PER_HOUR: "0",
  AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: "0",
};

async function sleep(ms: number) {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** What the seeded template depends on: the built CLI and the migrations it applies. */
function templateKey(): string {
  const hash = createHash("sha256");
  if (existsSync(CLI)) hash.update(readFileSync(CLI));
  const migrations = join(ROOT, "packages/adapter-postgres/migrations");
  for (const name of readdirSync(migrations).sort()) hash.update(name).update(readFileSync(join(migrations, name)));
  return hash.digest("hex").slice(0, 16);
}

/** The seeded template for today (created by whichever test file comes first). */
async function template(): Promise<string> {
  const day = new Date().toISOString().slice(0, 10);
  const dir = join(tmpdir(), `epca-web-e2e-demo-${day}-${templateKey()}`);
  const ready = join(dir, ".ready");
  if (existsSync(ready)) return dir;
  const lock = `${dir}.lock`;
  try {
    mkdirSync(lock);
  } catch {
    for (let i = 0; i < 600 && !existsSync(ready); i += 1) await sleep(500);
    if (existsSync(ready)) return dir;
    throw new Error(`another test file holds ${lock} and the template never became ready (remove the lock after a crash)`);
  }
  try {
    rmSync(dir, { recursive: true, force: true });
    const result = await runProcess("node", [CLI, "seed-demo"], { cwd: ROOT, env: cleanEnv({ ...baseEnv, EPCA_DATA_DIR: dir }), timeoutMs: 300_000 });
    if (result.code !== 0) throw new Error(`epca seed-demo failed (${result.code}):\n${result.stderr}`);
    writeFileSync(ready, day);
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Starts `epca serve` on a copy of the demo organisation, on a free port. */
export async function startDemoServer(env: Record<string, string> = {}): Promise<DemoServer> {
  const data = mkdtempSync(join(tmpdir(), "epca-web-e2e-"));
  cpSync(await template(), data, { recursive: true });
  const running = startProcess("node", [CLI, "serve", "--port", "0", "--host", "127.0.0.1"], { cwd: ROOT, env: cleanEnv({ ...baseEnv, EPCA_DATA_DIR: data, ...env }) });
  const out = await running.waitForStdout(/API\s+http:\/\/localhost:\d+\/api\/v1/, 120_000);
  const port = /API\s+http:\/\/localhost:(\d+)\/api\/v1/.exec(out)![1];
  const base = `http://127.0.0.1:${port}`;
  const api: DemoServer["api"] = async (method, path, token, body) => {
    const response = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };
  return {
    base,
    process: running,
    api,
    async login(email, password = email === ADMIN.email ? ADMIN.password : PASSWORD, tenant?: string) {
      const response = await fetch(`${base}/api/v1/auth/login`, { method: "POST", body: new URLSearchParams({ username: email, password }), ...(tenant ? { headers: { "x-tenant-id": tenant } } : {}) });
      if (!response.ok) throw new Error(`login ${email}: ${response.status}`);
      return ((await response.json()) as { access_token: string }).access_token;
    },
    async stop() {
      await running.stop();
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/** Desktop and phone viewports. */
export const VIEWPORTS = { desktop: { width: 1280, height: 860 }, phone: { width: 390, height: 844 } } as const;

/** Signs in through the page's form and waits for the signed-in layout. */
export async function signIn(page: Page, base: string, email: string, password = email === ADMIN.email ? ADMIN.password : PASSWORD, tenant?: string): Promise<void> {
  // Whoever was signed in before (a failed test's leftovers) is signed out first.
  await page.goto(`${base}/#/dashboard`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  if (tenant) {
    await page.getByText("Organisation (multi-tenant servers)").click();
    await page.getByLabel("Organisation id or subdomain").fill(tenant);
  }
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

/** Signs out with the header's button and waits for the sign-in form. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
}

const axeSource = readFileSync(createRequire(join(ROOT, "packages/web/package.json")).resolve("axe-core/axe.min.js"), "utf8");

/** One axe-core violation (the fields the assertion prints). */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { target: readonly string[]; failureSummary?: string }[];
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, so the server's CSP stays on)
 * and answers the serious and critical violations.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  })) as AxeViolation[];
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Saves a screenshot under docs/screenshots/ when `EPCA_WEB_SCREENSHOTS=1`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.EPCA_WEB_SCREENSHOTS !== "1") return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Waits until no "Loading…" status is left on the page. */
export async function settled(page: Page, timeout = 20_000): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll(".loading").length === 0 && document.querySelector("main") !== null, undefined, { timeout });
}

/** True when the server has no route for `path` (a route another branch adds is not merged yet): the router's own 404. */
export async function routeMissing(server: DemoServer, token: string, method: string, path: string): Promise<boolean> {
  const response = await server.api(method, path, token);
  return response.status === 404 && (response.body as { detail?: unknown })?.detail === "Not Found";
}
