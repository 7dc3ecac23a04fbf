import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectMountedApi } from "../../../test-support/mounted-api.js";

const dir = fileURLToPath(new URL("..", import.meta.url));
const env = () => ({ PATH: process.env.PATH, HOME: process.env.HOME, PORT: "0", LOG_LEVEL: "warn" });

describe("examples/mount-router", () => {
  it("serves EPCA under /hr beside the host app's own route, on the port PORT names", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: dir, env: env(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const exited = once(child, "exit");
    try {
      // Ready once the example's own round trip through the mounted API has printed.
      const deadline = Date.now() + 60_000;
      while (!stdout.includes("POST /hr/api/v1/departments/")) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`not ready\nstdout:\n${stdout}\nstderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const port = Number(/Acme HR on http:\/\/localhost:(\d+); EPCA mounted at http:\/\/localhost:\1\/hr\/api\/v1 \(docs: http:\/\/localhost:\1\/hr\/docs\/\)/.exec(stdout)?.[1]);
      expect(port).toBeGreaterThan(0);
      expect(stdout).toMatch(/POST \/hr\/api\/v1\/departments\/ → 201, Location: \/hr\/api\/v1\/departments\/\d+\n/);
      const base = `http://127.0.0.1:${port}`;

      const own = await fetch(`${base}/`);
      expect(own.status).toBe(200);
      expect(await own.json()).toEqual({ platform: "Acme HR", modules: ["/hr/api/v1", "/hr/docs"] });

      await expectMountedApi(base, "/hr");

      // The example's admin and the department its round trip created, through the mounted API.
      const login = await fetch(`${base}/hr/api/v1/auth/login`, {
        method: "POST",
        body: new URLSearchParams({ username: "hr-admin@example.com", password: "hr-admin-123" }),
      });
      expect(login.status).toBe(200);
      const { access_token } = (await login.json()) as { access_token: string };
      const departments = await fetch(`${base}/hr/api/v1/departments/`, { headers: { authorization: `Bearer ${access_token}` } });
      expect(((await departments.json()) as { name: string }[]).map((d) => d.name)).toEqual(["People Operations"]);
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  }, 60_000);

  it("with --once runs its round trip and exits 0", () => {
    const output = execFileSync(process.execPath, ["--import", "tsx", "src/main.ts", "--once"], {
      cwd: dir,
      env: env(),
      encoding: "utf8",
      timeout: 60_000,
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(output).toMatch(/POST \/hr\/api\/v1\/departments\/ → 201/);
  }, 60_000);
});
