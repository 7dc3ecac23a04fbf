/**
 * A newcomer's first hour with `pnpm install && pnpm start`, as real processes in a temporary
 * directory: the development key kept across restarts, a port already in use, readable logs on a
 * terminal, a quiet Ctrl-C and the committed bin. Needs the build (`pnpm --filter "@epca/cli..." run build`).
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, runProcess, startProcess, type RunningProcess } from "../../../test-support/processes.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const BIN = fileURLToPath(new URL("../bin/epca.js", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BANNER = /Log in:\n.*\n.*\n/;

let workDir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (pnpm --filter "@epca/cli..." run build)`);
  workDir = mkdtempSync(join(tmpdir(), "epca-first-run-"));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

const baseEnv = (env: Record<string, string | undefined> = {}) =>
  cleanEnv({ LOG_LEVEL: "warn", SCRYPT_LOG_N: "10", HOST: "127.0.0.1", PORT: "0", ...env });
const portOf = (stdout: string) => Number(/ {2}API {6}http:\/\/localhost:(\d+)\/api\/v1\n/.exec(stdout)?.[1]);

async function logIn(base: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/auth/login`, { method: "POST", body: new URLSearchParams({ username, password }) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}
const me = (base: string, token: string) => fetch(`${base}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });

describe("the development SECRET_KEY", () => {
  let server: RunningProcess | undefined;
  afterAll(async () => {
    await server?.stop("SIGKILL");
  });

  it("is generated once into EPCA_DATA_DIR/secret-key (mode 0600), so a token outlives a restart", { timeout: 180_000 }, async () => {
    const dataDir = join(workDir, "data");
    const env = baseEnv({ EPCA_DATA_DIR: dataDir, EPCA_SEED_DEMO: "false" });
    server = startProcess(process.execPath, [CLI, "serve"], { cwd: workDir, env });
    let stdout = await server.waitForStdout(BANNER, 90_000);
    const file = join(dataDir, "secret-key");
    expect(server.stderr()).toContain(`epca: generated a development SECRET_KEY in ${file} (set SECRET_KEY in production)\n`);
    expect(server.stderr()).not.toContain("SECRET_KEY is not set");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, "utf8");
    expect(key).toMatch(/^[A-Za-z0-9_-]{64}\n$/);
    let base = `http://127.0.0.1:${portOf(stdout)}`;
    const token = await logIn(base, "admin@example.com", "admin12345");
    expect((await server.stop("SIGTERM")).code).toBe(0);

    server = startProcess(process.execPath, [CLI, "serve"], { cwd: workDir, env });
    stdout = await server.waitForStdout(BANNER, 90_000);
    expect(server.stderr()).not.toMatch(/SECRET_KEY/);
    base = `http://127.0.0.1:${portOf(stdout)}`;
    const response = await me(base, token);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { email: string }).email).toBe("admin@example.com");
    expect(readFileSync(file, "utf8")).toBe(key);
    expect((await server.stop("SIGINT")).code).toBe(0);
    server = undefined;
  });

  it("is written by serve only: migrate, which signs no token, leaves none", async () => {
    const dataDir = join(workDir, "migrated-only");
    const result = await runProcess(process.execPath, [CLI, "migrate"], { cwd: workDir, env: baseEnv({ EPCA_DATA_DIR: dataDir }) });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("generated a development SECRET_KEY");
    expect(existsSync(join(dataDir, "secret-key"))).toBe(false);
  });

  it("stays per process on the memory store (its users die with it), with the warning", async () => {
    server = startProcess(process.execPath, [CLI, "serve"], { cwd: workDir, env: baseEnv({ DATABASE_URL: "memory:" }) });
    await server.waitForStdout(BANNER, 60_000);
    expect(server.stderr()).toContain("epca: warning: SECRET_KEY is not set: using a random key for this process; tokens stop working on restart\n");
    expect(existsSync(join(workDir, ".epca-data"))).toBe(false);
    const stopped = await server.stop("SIGTERM");
    expect(stopped, stopped.stderr).toMatchObject({ code: 0, signal: null });
    server = undefined;
  });
});

describe("serve's options", () => {
  it("--port, --host and --no-seed win over PORT, HOST and EPCA_SEED_DEMO", async () => {
    const server = startProcess(process.execPath, [CLI, "serve", "--port", "0", "--host", "127.0.0.1", "--no-seed"], {
      cwd: workDir,
      env: baseEnv({ DATABASE_URL: "memory:", SECRET_KEY: "a-test-key-that-is-at-least-32-characters", PORT: "1", HOST: "192.0.2.1", EPCA_SEED_DEMO: "true" }),
    });
    const stdout = await server.waitForStdout(BANNER, 60_000);
    expect(portOf(stdout)).toBeGreaterThan(1);
    expect(stdout).not.toContain("Demo users");
    expect(server.stderr()).not.toMatch(/demo/);
    const health = await fetch(`http://127.0.0.1:${portOf(stdout)}/api/v1/health`);
    expect(health.status).toBe(200);
    expect((await server.stop("SIGINT")).code).toBe(0);
  });
});

describe("a port already in use", () => {
  let holder: Server;
  let port: number;
  beforeAll(async () => {
    holder = createServer().listen(0, "127.0.0.1");
    await once(holder, "listening");
    port = (holder.address() as { port: number }).port;
  });
  afterAll(() => {
    holder.close();
  });

  it("exits 1 with a message naming PORT and the process that holds it", async () => {
    const result = await runProcess(process.execPath, [CLI, "serve"], {
      cwd: workDir,
      env: baseEnv({ DATABASE_URL: "memory:", SECRET_KEY: "a-test-key-that-is-at-least-32-characters", PORT: String(port) }),
      timeoutMs: 30_000,
    });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    const holderInfo = process.platform === "linux" ? ` by process ${process.pid} \\(.+\\)` : " by [^.]+";
    expect(result.stderr).toMatch(
      new RegExp(
        `epca: port ${port} on 127\\.0\\.0\\.1 is already in use${holderInfo}\\. Stop that process, or choose another port with the PORT variable \\(e\\.g\\. PORT=${port + 1} pnpm start, or epca serve --port ${port + 1}\\)\\.\\n`,
      ),
    );
    expect(result.stderr).not.toMatch(/EADDRINUSE|at .*\.js:\d+/);
    expect(result.stdout).toBe("");
  });
});

describe("logs", () => {
  it("are JSON lines when stdout is not a terminal", async () => {
    const server = startProcess(process.execPath, [CLI, "serve"], {
      cwd: workDir,
      env: baseEnv({ DATABASE_URL: "memory:", SECRET_KEY: "a-test-key-that-is-at-least-32-characters", LOG_LEVEL: "info" }),
    });
    const stdout = await server.waitForStdout(BANNER, 60_000);
    await fetch(`http://127.0.0.1:${portOf(stdout)}/api/v1/health`);
    await server.waitForStdout(/"route":"\/api\/v1\/health"/, 10_000);
    await server.stop("SIGTERM");
    const lines = server.stdout().split("\n").filter((line) => line.startsWith("{"));
    const request = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.route === "/api/v1/health");
    expect(request).toMatchObject({ level: "info", msg: "GET /api/v1/health 200", status_code: 200, service: "epca-server" });
  });

  const hasScript = spawnSync("script", ["--version"]).status === 0;
  it.skipIf(!hasScript)("are one readable line per entry when stdout is a terminal, unless JSON_LOGS=true", async () => {
    // `script` runs the command on a pseudo-terminal, as a person's shell would.
    const onTerminal = (env: Record<string, string>) =>
      startProcess("script", ["-qfec", `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} serve`, "/dev/null"], {
        cwd: workDir,
        env: baseEnv({ DATABASE_URL: "memory:", SECRET_KEY: "a-test-key-that-is-at-least-32-characters", LOG_LEVEL: "info", ...env }),
      });
    const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "").replace(/\r/g, "");

    const pretty = onTerminal({});
    const stdout = plain(await pretty.waitForStdout(/Health/, 60_000));
    await fetch(`http://127.0.0.1:${portOf(stdout.replace(/\r/g, ""))}/api/v1/health`);
    await pretty.waitForStdout(/GET \/api\/v1\/health 200/, 10_000);
    await pretty.stop("SIGTERM");
    const line = plain(pretty.stdout()).split("\n").find((l) => l.includes("GET /api/v1/health 200"))!;
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/api\/v1\/health 200 \{.*"route":"\/api\/v1\/health".*\}$/);
    expect(line).not.toContain('"service"');

    const json = onTerminal({ JSON_LOGS: "true" });
    const jsonStdout = plain(await json.waitForStdout(/Health/, 60_000));
    await fetch(`http://127.0.0.1:${portOf(jsonStdout)}/api/v1/health`);
    await json.waitForStdout(/"route":"\/api\/v1\/health"/, 10_000);
    await json.stop("SIGTERM");
    const entry = plain(json.stdout()).split("\n").find((l) => l.includes('"route":"/api/v1/health"'))!;
    expect(JSON.parse(entry)).toMatchObject({ level: 30, msg: "GET /api/v1/health 200" });
  });
});

describe("pnpm start", () => {
  it("stops on Ctrl-C (SIGINT to the whole process group) with exit code 0 and no ELIFECYCLE", async () => {
    // `start` is the build and then `start:built`; the build is not rerun here (other tests read dist/).
    const child = spawn("pnpm", ["run", "--silent", "start:built"], {
      cwd: ROOT,
      detached: true, // its own process group, as a terminal's foreground job
      stdio: ["ignore", "pipe", "pipe"],
      env: baseEnv({ DATABASE_URL: "memory:", SECRET_KEY: "a-test-key-that-is-at-least-32-characters" }),
    });
    let output = "";
    const banner = new Promise<void>((resolve) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (BANNER.test(output)) resolve();
      };
      child.stdout!.on("data", read);
      child.stderr!.on("data", read);
    });
    const exited = new Promise<[number | null, string | null]>((resolve) => child.on("close", (code, signal) => resolve([code, signal])));
    await banner;
    process.kill(-child.pid!, "SIGINT");
    expect(await exited).toEqual([0, null]);
    expect(output).not.toMatch(/ELIFECYCLE|Command failed/);
  });

  it("has a committed bin that runs the built command", async () => {
    const result = await runProcess(process.execPath, [BIN, "--version"], { cwd: workDir, env: baseEnv() });
    expect(result).toMatchObject({ code: 0, stdout: "0.1.0\n", stderr: "" });
    expect(statSync(BIN).mode & 0o111).not.toBe(0);
    const manifest = JSON.parse(readFileSync(join(ROOT, "packages/cli/package.json"), "utf8")) as { bin: Record<string, string>; files: string[] };
    expect(manifest.bin).toEqual({ epca: "./bin/epca.js" });
    expect(manifest.files).toContain("bin");
  });
});
