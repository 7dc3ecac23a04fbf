/**
 * `epca serve` keeps report files and runs report schedules on every backend: the store it opens
 * has the reportFiles part, the app has the schedule storage and its scheduler runs the
 * schedules. Real processes; needs the build (`pnpm --filter "@epca/cli..." run build`).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, startProcess, type RunningProcess } from "../../../test-support/processes.js";
import { createTestDatabase, serverUrl, type TestDatabase } from "../../../test-support/test-database.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const BANNER = /Log in:\n.*\n.*\n/;
const portOf = (stdout: string) => Number(/ {2}API {6}http:\/\/localhost:(\d+)\/api\/v1\n/.exec(stdout)?.[1]);

let workDir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (pnpm --filter "@epca/cli..." run build)`);
  workDir = mkdtempSync(join(tmpdir(), "epca-reports-"));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | null>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    // A kept-alive socket the server closed between two polls may reset: poll again.
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function backend(name: string, env: () => Record<string, string>) {
  describe(`epca serve on ${name}`, () => {
    let server: RunningProcess | undefined;
    afterAll(async () => {
      await server?.stop("SIGTERM");
    });

    it("generates, keeps and schedules reports", { timeout: 180_000 }, async () => {
      server = startProcess(process.execPath, [CLI, "serve"], {
        cwd: workDir,
        env: cleanEnv({ LOG_LEVEL: "warn", SCRYPT_LOG_N: "10", HOST: "127.0.0.1", PORT: "0", SECRET_KEY: "a-test-key-that-is-at-least-32-characters", ...env() }),
      });
      const base = `http://127.0.0.1:${portOf(await server.waitForStdout(BANNER, 120_000))}/api/v1`;
      const login = await fetch(`${base}/auth/login`, { method: "POST", body: new URLSearchParams({ username: "admin@example.com", password: "admin12345" }) });
      const { access_token: token } = (await login.json()) as { access_token: string };
      const auth = { authorization: `Bearer ${token}` };

      const pdf = await fetch(`${base}/reports/generate?report_type=pdf`, { headers: auth });
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get("content-type")).toBe("application/pdf");
      expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");

      const queued = await fetch(`${base}/reports/generate?report_type=excel&async=true`, { headers: auth });
      expect(queued.status).toBe(202);
      const location = queued.headers.get("location")!;
      const job = await until("the report job", async () => {
        const j = (await (await fetch(`http://${new URL(base).host}${location}`, { headers: auth })).json()) as { status: string; result: { file_id: string } };
        return j.status === "succeeded" ? j : null;
      });
      const xlsx = await fetch(`${base}/reports/files/${job.result.file_id}`, { headers: auth });
      expect(xlsx.status).toBe(200);
      expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).toBe("PK");

      const schedule = await fetch(`${base}/reports/schedules`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ cron: "* * * * * *", report_type: "txt", sections: ["company_summary"] }),
      });
      expect(schedule.status).toBe(201);
      const txt = await until("a scheduled file", async () => {
        const files = (await (await fetch(`${base}/reports/files`, { headers: auth })).json()) as Array<{ id: string; name: string }>;
        return files.find((f) => f.name.endsWith(".txt")) ?? null;
      });
      const text = await (await fetch(`${base}/reports/files/${txt.id}`, { headers: auth })).text();
      expect(text.split("\n")[0]).toBe("Productivity & cost report");
      const { id } = (await schedule.json()) as { id: string };
      expect((await fetch(`${base}/reports/schedules/${id}`, { method: "DELETE", headers: auth })).status).toBe(200);
      expect((await server.stop("SIGTERM")).code).toBe(0);
      server = undefined;
    });
  });
}

backend("memory", () => ({ DATABASE_URL: "memory:" }));
backend("PGlite (the demo organisation)", () => ({ EPCA_DATA_DIR: join(workDir, "data") }));
describe.skipIf(!serverUrl)("PostgreSQL", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  backend("PostgreSQL", () => ({ DATABASE_URL: database.url }));
});
