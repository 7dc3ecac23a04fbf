/**
 * `epca serve` and the web app at `/`, as a real process on the embedded store: with the built
 * `@epca/web` the app's `index.html` (revalidated) and its hashed assets (cached for a year); with
 * `--no-web` what the server answers without a web app (the pointer to the API's documents) and
 * none of the app's files. Needs the build (`pnpm --filter "@epca/cli..." run build`).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, runProcess, startProcess, type RunningProcess } from "../../../test-support/processes.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const WEB_DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));

let workDir: string;
let dataDir: string;
let server: RunningProcess | undefined;
const env = () => cleanEnv({ LOG_LEVEL: "warn", SCRYPT_LOG_N: "10", HOST: "127.0.0.1", PORT: "0", EPCA_DATA_DIR: dataDir, EPCA_SEED_DEMO: "false" });

beforeAll(async () => {
  if (!existsSync(CLI) || !existsSync(join(WEB_DIST, "index.html"))) throw new Error(`the CLI or web build is missing: pnpm --filter "@epca/cli..." run build`);
  workDir = mkdtempSync(join(tmpdir(), "epca-cli-web-"));
  dataDir = join(workDir, "data");
  // Migrated once: both servers below open the same directory, one after the other.
  const migrated = await runProcess(process.execPath, [CLI, "migrate"], { cwd: workDir, env: env(), timeoutMs: 120_000 });
  expect(migrated.code, migrated.stderr).toBe(0);
}, 150_000);

// A failed test leaves its server running: the next one opens the same directory.
afterEach(async () => {
  await server?.stop("SIGKILL");
  server = undefined;
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** Starts `epca serve` with `args`; answers its base URL and what it printed. */
async function serve(args: string[]): Promise<{ base: string; stdout: string }> {
  server = startProcess(process.execPath, [CLI, "serve", ...args], { cwd: workDir, env: env() });
  const stdout = await server.waitForStdout(/Log in:\n.*\n.*\n/, 90_000);
  const port = Number(/ {2}API {6}http:\/\/localhost:(\d+)\/api\/v1\n/.exec(stdout)?.[1]);
  expect(port).toBeGreaterThan(0);
  return { base: `http://127.0.0.1:${port}`, stdout };
}

async function stop(): Promise<void> {
  const stopped = await server!.stop("SIGTERM");
  server = undefined;
  expect(stopped.code).toBe(0);
}

/** The app's hashed scripts and styles that `index.html` names (`/assets/index-<hash>.js`). */
function hashedAssets(): string[] {
  const html = readFileSync(join(WEB_DIST, "index.html"), "utf8");
  return [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
}

const WELCOME_LINKS = { docs: "/docs/", redoc: "/redoc", openapi: "/openapi.json", health: "/api/v1/health", api: "/api/v1/" };

describe("epca serve and the web app at /", () => {
  it("serves the built app: index.html revalidated (no-cache), hashed assets cached for a year, JSON clients still pointed to the API", { timeout: 150_000 }, async () => {
    const { base, stdout } = await serve([]);
    expect(stdout).toMatch(/\n {2}Web app {2}http:\/\/localhost:\d+\/\n/);

    const index = await fetch(`${base}/`, { headers: { accept: "text/html" } });
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(await index.text()).toBe(readFileSync(join(WEB_DIST, "index.html"), "utf8"));

    const assets = hashedAssets();
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      expect(asset).toMatch(/^assets\/[\w.-]+-[\w-]{8,}\.(js|css)$/);
      const response = await fetch(`${base}/${asset}`);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get("cache-control"), asset).toBe("public, max-age=31536000, immutable");
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(join(WEB_DIST, asset))), asset).toBe(true);
    }
    // A file without a hash in its name (the widgets' script) is revalidated instead.
    const widgets = await fetch(`${base}/epca-widgets.js`);
    expect(widgets.status).toBe(200);
    expect(widgets.headers.get("cache-control")).toBe("no-cache");
    await widgets.arrayBuffer();

    const json = await fetch(`${base}/`, { headers: { accept: "application/json" } });
    expect(json.status).toBe(200);
    expect(((await json.json()) as { links: unknown }).links).toEqual(WELCOME_LINKS);
    await stop();
  });

  it("with --no-web serves none of it: GET / answers the pointer to the API's documents, the app's files are not found", { timeout: 150_000 }, async () => {
    const { base, stdout } = await serve(["--no-web"]);
    expect(stdout).not.toContain("Web app");

    const page = await fetch(`${base}/`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await page.text();
    expect(html).toContain("<title>EPCA API</title>");
    expect(html).toContain("No web app is served here yet.");
    expect(html).toContain('<a href="/docs/">Swagger UI</a>');
    expect(html).not.toBe(readFileSync(join(WEB_DIST, "index.html"), "utf8"));
    expect(html).not.toMatch(/assets\//);

    const json = await fetch(`${base}/`, { headers: { accept: "application/json" } });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ name: "EPCA: Employee Productivity & Cost Analytics API", version: "0.1.0", links: WELCOME_LINKS });

    for (const file of [...hashedAssets(), "epca-widgets.js", "index.html"]) {
      const response = await fetch(`${base}/${file}`);
      expect(response.status, file).toBe(404);
      await response.arrayBuffer();
    }
    // The API itself is there as always.
    expect((await fetch(`${base}/api/v1/health`)).status).toBe(200);
    await stop();
  });
});

