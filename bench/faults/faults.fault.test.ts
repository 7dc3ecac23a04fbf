/**
 * Fault tests (`pnpm test:faults`; not part of `pnpm test`): each starts its own durable
 * PostgreSQL cluster (fsync, synchronous_commit, full_page_writes on) that it may crash.
 *
 * 1. kill -9 of the importing process during a 100,000-row import, twenty times: the table holds
 *    all of an import or none of it (and the analytics rollups still match the rows).
 * 2. kill -9 of PostgreSQL after acknowledged writes: after the restart every write the API
 *    answered 201 to is there.
 * 3. PostgreSQL stopped and started under load: health answers 503 while it is down and 200 again
 *    afterwards, from the same server process, which serves authenticated requests again.
 * 4. (training.fault.test.ts) a worker killed mid-training: the job is retried and no duplicate
 *    model version appears.
 *
 * Needs the build (`pnpm test:faults` builds first).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createPostgresStore } from "@epca/adapter-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProcess } from "../../test-support/processes.js";
import { adminToken, sleep, startCrashableCluster, startEpca, type CrashableCluster } from "./support.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const IMPORT = fileURLToPath(new URL("./import-child.ts", import.meta.url));
const report = (line: string) => process.stderr.write(`[faults] ${line}\n`);

async function scalar(url: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number(Object.values((await client.query(sql)).rows[0] as object)[0]);
  } finally {
    await client.end();
  }
}

let cluster: CrashableCluster | null;
let workDir: string;
beforeAll(async () => {
  cluster = await startCrashableCluster();
  if (!cluster) throw new Error("the fault tests need PostgreSQL (initdb on PATH)");
  workDir = mkdtempSync(join(tmpdir(), "epca-faults-"));
}, 60_000);
afterAll(() => {
  try {
    cluster?.stop();
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
});

describe("kill -9 during a 100,000-row import, twenty times", () => {
  it("leaves all of an import or none of it, every time", async () => {
    const url = cluster!.url;
    const store = await createPostgresStore({ connectionString: url, migrate: true, poolSize: 2 });
    const { employeeId, projectId } = await store.transaction("default", async (s) => {
      const department = await s.departments.insert({ name: "Imports", budget: 1, description: null });
      const employee = await s.employees.insert({ name: "Importer", email: "importer@test.example", department_id: department.id, salary: 1, revenue_generated: 0, hire_date: "1999-01-01", skills: [], is_active: true });
      const project = await s.projects.insert({ name: "Import", department_id: department.id, cost: 0, revenue: 0, status: "in_progress", completion_percentage: 0, start_date: "1999-01-01", end_date: null, estimated_end_date: null, description: null });
      return { employeeId: employee.id, projectId: project.id };
    });
    const runImport = () => startProcess(process.execPath, ["--import", "tsx", IMPORT, url, String(employeeId), String(projectId)], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    const count = () => scalar(url, "SELECT count(*) FROM timesheets");

    // One import to its end: how long one takes here.
    const started = Date.now();
    const full = runImport();
    await full.waitForStdout("importing");
    const opened = Date.now();
    await full.waitForStdout("imported 100000", 120_000);
    const importMs = Date.now() - opened;
    await full.exited;
    expect(await count()).toBe(100_000);
    report(`one 100,000-row import: ${importMs} ms (process start ${opened - started} ms)`);

    let committed = 1;
    const outcomes: string[] = [];
    for (let round = 0; round < 20; round++) {
      const child = runImport();
      await child.waitForStdout("importing", 60_000);
      // Anywhere from the start of the transaction to just past its usual end (a kill may land
      // after the commit: then the import is all there).
      const at = Math.round(((round + 0.5) / 20) * importMs * 1.1);
      await sleep(at);
      const killed = await child.stop("SIGKILL");
      const done = killed.stdout.includes("imported 100000");
      const rows = await count();
      expect(rows % 100_000).toBe(0);
      const grew = rows / 100_000 > committed;
      if (grew) committed += 1;
      expect(rows).toBe(committed * 100_000);
      // "all" when the import committed before the kill (it may not have printed it yet).
      outcomes.push(`${at}ms:${grew ? (done ? "all" : "all (unreported)") : "none"}`);
    }
    report(`20 kills (time after BEGIN: outcome): ${outcomes.join(" ")}; ${committed - 1} of 20 had committed`);
    // No import half there: the rollups the triggers keep agree with the rows.
    const rollups = await store.verifyRollups();
    expect(rollups.ok).toBe(true);
    await store.close();
  }, 600_000);
});

describe("kill -9 of PostgreSQL after acknowledged writes", () => {
  it("keeps every write the API acknowledged", async () => {
    const { server, base } = await startEpca(cluster!.url, workDir);
    const token = await adminToken(base);
    const acknowledged: { id: number; name: string }[] = [];
    let failures = 0;
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const name = `Durable ${w}-${i}`;
        try {
          const response = await fetch(`${base}/api/v1/departments/`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ name, budget: i }),
          });
          if (response.status === 201) acknowledged.push({ id: ((await response.json()) as { id: number }).id, name });
          else {
            failures += 1;
            await response.arrayBuffer();
          }
        } catch {
          failures += 1;
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await sleep(3_000);
    // The crash lands while writes are in flight: those may or may not be there; every one
    // answered 201 before it must be.
    const before = acknowledged.length;
    const victims = cluster!.kill9();
    const snapshot = acknowledged.slice(0, before);
    await sleep(500);
    stop = true;
    await Promise.all(writers);
    await server.stop("SIGKILL");
    cluster!.start();
    const client = new pg.Client({ connectionString: cluster!.url });
    await client.connect();
    const { rows } = await client.query<{ id: number; name: string }>("SELECT id, name FROM departments WHERE name LIKE 'Durable %'");
    await client.end();
    const stored = new Map(rows.map((r) => [Number(r.id), r.name]));
    const missing = acknowledged.filter((a) => stored.get(a.id) !== a.name);
    report(`killed PostgreSQL (${victims.length} processes) after ${snapshot.length} acknowledged writes (${acknowledged.length} in all, ${failures} failed during the crash); after restart ${stored.size} rows, ${missing.length} acknowledged missing`);
    expect(snapshot.length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  }, 180_000);
});

describe("PostgreSQL stopped and started under load", () => {
  it("health goes 503 while it is down and 200 again, without restarting the server", async () => {
    const { server, base } = await startEpca(cluster!.url, workDir);
    const token = await adminToken(base);
    const pid = server.child.pid;
    const statuses: { t: number; health: number }[] = [];
    let stop = false;
    const started = Date.now();
    const load = async () => {
      while (!stop) {
        await fetch(`${base}/api/v1/departments/`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.arrayBuffer(), () => undefined);
      }
    };
    const prober = async () => {
      while (!stop) {
        const health = await fetch(`${base}/api/v1/health`).then((r) => r.status, () => 0);
        statuses.push({ t: Date.now() - started, health });
        await sleep(100);
      }
    };
    const running = [...Array.from({ length: 6 }, load), prober()];
    await sleep(1_500);
    // pg_ctl runs synchronously: answers that arrived before it stopped the server are only read
    // (and timed) after it returns, so the stop counts from then.
    cluster!.stopFast();
    const stoppedAt = Date.now() - started;
    await sleep(3_000);
    const restartedAt = Date.now() - started;
    cluster!.start();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && statuses.at(-1)?.health !== 200) await sleep(200);
    await sleep(1_000);
    stop = true;
    await Promise.all(running);
    const during = statuses.filter((s) => s.t > stoppedAt + 500 && s.t < restartedAt);
    const after = statuses.filter((s) => s.t > restartedAt);
    const firstOk = after.find((s) => s.health === 200);
    report(
      `health before ${statuses.filter((s) => s.t < stoppedAt).map((s) => s.health).slice(-1)}, while stopped ${[...new Set(during.map((s) => s.health))].join("/")}, ` +
        `200 again ${firstOk ? firstOk.t - restartedAt : "never"} ms after pg_ctl start returned`,
    );
    if (!firstOk) report(`server exit ${server.child.exitCode} ${server.child.signalCode}; stderr: ${server.stderr().slice(-2000)}`);
    expect(statuses.filter((s) => s.t < stoppedAt).every((s) => s.health === 200)).toBe(true);
    expect(during.length).toBeGreaterThan(5);
    expect(during.every((s) => s.health === 503)).toBe(true);
    expect(firstOk).toBeDefined();
    // The same process, serving authenticated requests again.
    expect(server.child.exitCode).toBeNull();
    expect(server.child.pid).toBe(pid);
    const response = await fetch(`${base}/api/v1/departments/`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    await server.stop("SIGTERM");
  }, 180_000);
});
