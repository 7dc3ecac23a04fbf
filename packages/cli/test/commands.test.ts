/**
 * `epca` commands that end on their own within a second or two: argument errors (exit 1 with
 * the reason and the usage), and each command on the memory store (`DATABASE_URL=memory:`),
 * which needs no directory nor database. Runs the built command: `pnpm --filter "@epca/cli..." run build`.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cleanEnv, runProcess } from "../../../test-support/processes.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const SECRET = "cli-test-secret-key-that-is-at-least-32-characters";
let workDir: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (pnpm --filter "@epca/cli..." run build)`);
  workDir = mkdtempSync(join(tmpdir(), "epca-cli-commands-"));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const epca = (args: string[], env: Record<string, string> = {}) =>
  runProcess(process.execPath, [CLI, ...args], {
    cwd: workDir,
    env: cleanEnv({ LOG_LEVEL: "warn", SCRYPT_LOG_N: "10", SECRET_KEY: SECRET, ...env }),
    timeoutMs: 60_000,
  });
const memory = { DATABASE_URL: "memory:" };
// One process per test; a loaded CI machine may take a while to start one.
vi.setConfig({ testTimeout: 60_000 });

describe("epca exits 1 with the reason: argument errors (before opening any store), a failed start", () => {
  it("an unknown command, with the usage after the error", async () => {
    const result = await epca(["frobnicate"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: unknown command 'frobnicate'\n\nUsage: epca \[options\] \[command\]/);
    expect(result.stdout).toBe("");
  });

  it("create-admin without --email", async () => {
    const result = await epca(["create-admin"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: required option '-e, --email <email>' not specified\n\nUsage: epca create-admin \[options\]/);
  });

  it("create-admin without a password in --password or EPCA_ADMIN_PASSWORD", async () => {
    const result = await epca(["create-admin", "-e", "ops@example.com"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("epca: Invalid configuration: --password: required (or set EPCA_ADMIN_PASSWORD)\n");
    expect(existsSync(join(workDir, ".epca-data"))).toBe(false);
  });

  it("worker with a --concurrency outside 1–64", async () => {
    const result = await epca(["worker", "--concurrency", "0"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("epca: Invalid configuration: --concurrency: expected a whole number from 1 to 64\n");
  });

  it("serve on an address this host does not have: the system's reason, and its stack with LOG_LEVEL=debug", async () => {
    const result = await epca(["serve", "--no-seed", "--no-worker", "--host", "203.0.113.1", "--port", "0"], { ...memory, LOG_LEVEL: "debug" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("epca: failed: listen EADDRNOTAVAIL: address not available 203.0.113.1\nError: listen EADDRNOTAVAIL");
    expect(result.stderr).toMatch(/\n {4}at /);
    expect(result.stdout).not.toContain("EPCA API");
  });

  it("serve in production without FIRST_ADMIN_EMAIL creates no admin, and prints no stack", async () => {
    const result = await epca(["serve", "--no-worker", "--host", "203.0.113.1", "--port", "0"], { ...memory, NODE_ENV: "production" });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "epca: opening the store (memory) and applying migrations…\n" +
        "epca: FIRST_ADMIN_EMAIL / FIRST_ADMIN_PASSWORD not set: no admin created\n" +
        "epca: failed: listen EADDRNOTAVAIL: address not available 203.0.113.1\n",
    );
  });
});

describe("epca commands on the memory store", () => {
  it("migrate says there are no migrations, and exits 0", async () => {
    const migrate = await epca(["migrate"], memory);
    expect([migrate.code, migrate.stderr, migrate.stdout]).toEqual([0, "epca: DATABASE_URL=memory: has no migrations\n", ""]);
  });

  it("doctor says nothing derived is stored, and exits 0", async () => {
    const doctor = await epca(["doctor"], memory);
    expect([doctor.code, doctor.stderr, doctor.stdout]).toEqual([0, "epca: DATABASE_URL=memory: nothing derived is stored, nothing to check\n", ""]);
  });

  it("seed-demo prints what it seeded as JSON on stdout, its progress on stderr", async () => {
    const result = await epca(["seed-demo"], memory);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ seeded: true, departments: 5, employees: 40, projects: 12, users: 6 });
    expect(result.stderr).toContain("epca: demo seed: departments\n");
  });

  it("create-admin takes the password from EPCA_ADMIN_PASSWORD when --password is absent", async () => {
    const result = await epca(["create-admin", "-e", "ops@example.com", "-n", "Ops"], { ...memory, EPCA_ADMIN_PASSWORD: "long-enough-pass-1" });
    expect([result.code, result.stderr, result.stdout]).toEqual([0, "epca: admin ops@example.com created\n", ""]);
  });
});
