/**
 * A primary and a streaming standby (`pg_basebackup -R`) on this machine, the store given both
 * (`DATABASE_READ_URL`'s `readConnectionString`). With the standby's replay paused, a timesheet
 * written through the API is in the primary's answers (read-your-own-write) but not in the
 * analytics, which the standby serves; resumed, the analytics catch up. With the standby stopped,
 * analytics are served by the primary and health reports the replica degraded, still 200.
 */
import { createPostgresStore, type PostgresStore } from "@epca/adapter-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPostgresBin } from "../../../test-support/postgres-cluster.js";
import { startControlledCluster, startStandby, type ControlledCluster } from "../../../test-support/postgres-control.js";
import { createFixture, daysAgo, startServer, type Fixture, type TestServer } from "./support/harness.js";

describe.skipIf(!findPostgresBin())("analytics on a read replica", () => {
  let primary: ControlledCluster;
  let standby: ControlledCluster;
  let store: PostgresStore;
  let server: TestServer;
  let fixture: Fixture;

  const companyHours = async () => {
    const answer = await server.request("GET", "/api/v1/analytics/company", { token: fixture.tokens.analyst });
    expect(answer.status).toBe(200);
    return answer.body.total_hours as number;
  };
  const eventually = async (check: () => Promise<boolean>, what: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    primary = (await startControlledCluster())!;
    const migrated = await createPostgresStore({ connectionString: primary.url, migrate: true, poolSize: 1 });
    await migrated.close();
    standby = await startStandby(primary);
    expect(standby.psql("SELECT pg_is_in_recovery()")).toBe("t");
    store = await createPostgresStore({ connectionString: primary.url, readConnectionString: standby.url, poolSize: 5, replicaRetryAfterMs: 200 });
    server = await startServer(store);
    fixture = await createFixture(server);
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
    standby?.destroy();
    primary?.destroy();
  });

  it("analytics come from the standby (stale while its replay is paused); writes and other reads from the primary", async () => {
    // The standby has replayed everything the fixture wrote (its logins' sessions too).
    const written0 = primary.psql("SELECT pg_current_wal_lsn()");
    await eventually(async () => standby.psql(`SELECT pg_last_wal_replay_lsn() >= '${written0}'::pg_lsn`) === "t", "the standby replays the fixture");
    expect(await companyHours()).toBe(2);
    standby.psql("SELECT pg_wal_replay_pause()");
    await eventually(async () => standby.psql("SELECT pg_get_wal_replay_pause_state()") === "paused", "replay paused");

    const written = await server.request("POST", "/api/v1/timesheets/", {
      token: fixture.tokens.admin,
      body: { employee_id: fixture.empA, project_id: fixture.projA, hours_worked: 3, date: daysAgo(2) },
    });
    expect(written.status).toBe(201);
    // Read-your-own-write: the list runs on the primary and has it at once.
    const list = await server.request("GET", "/api/v1/timesheets/", { token: fixture.tokens.admin });
    expect(list.body.map((t: { hours_worked: number }) => t.hours_worked).sort()).toEqual([2, 3]);
    // The analytics run on the standby, which has not replayed the write.
    expect(await companyHours()).toBe(2);
    expect(primary.psql("SELECT sum(hours_worked)::float8 FROM timesheets")).toBe("5");
    // A session the standby has not replayed (a login a moment ago): its analytics are answered
    // by the primary instead of a 401, and so see the new timesheet.
    const fresh = await server.login("analyst@test.example");
    const freshAnswer = await server.request("GET", "/api/v1/analytics/company", { token: fresh.access_token });
    expect([freshAnswer.status, freshAnswer.body.total_hours]).toEqual([200, 5]);
    // The older session still reads the standby.
    expect(await companyHours()).toBe(2);

    standby.psql("SELECT pg_wal_replay_resume()");
    await eventually(async () => (await companyHours()) === 5, "the standby replays the write");

    const health = await server.request("GET", "/api/v1/health");
    expect(health.status).toBe(200);
    expect(health.body.status).toBe("healthy");
    expect(health.body.checks.database.status).toBe("healthy");
    expect(health.body.checks.database_replica.status).toBe("healthy");
    expect(health.body.checks.database_replica.latency_ms).toBeGreaterThan(0);
  }, 60_000);

  it("a read-only unit of work refuses writes", async () => {
    await expect(
      store.transaction("default", (scope) => scope.departments.insert({ name: "Not here", description: null, budget: 1 } as never), { readOnly: true }),
    ).rejects.toMatchObject({ code: "25006" });
  });

  it("with the standby stopped, analytics are served by the primary and health says the replica is degraded", async () => {
    standby.stop("fast");
    expect(await companyHours()).toBe(5);
    const health = await server.request("GET", "/api/v1/health");
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: "healthy",
      checks: { database: { status: "healthy" }, database_replica: { status: "degraded", latency_ms: null } },
    });
    // Every analytics route keeps answering.
    for (const path of ["/analytics/company", "/analytics/company/series", `/analytics/departments/${fixture.deptA}`, "/analytics/top-performers", "/analytics/top-projects"]) {
      const answer = await server.request("GET", `/api/v1${path}`, { token: fixture.tokens.admin });
      expect([path, answer.status]).toEqual([path, 200]);
    }

    standby.start();
    await eventually(async () => (await server.request("GET", "/api/v1/health")).body.checks.database_replica.status === "healthy", "the replica is back");
    // Back on the standby: pause its replay again and the next write is missing from the analytics.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await eventually(async () => standby.psql("SELECT count(*) FROM timesheets") === "2", "the standby caught up");
    standby.psql("SELECT pg_wal_replay_pause()");
    await eventually(async () => standby.psql("SELECT pg_get_wal_replay_pause_state()") === "paused", "replay paused");
    await server.request("POST", "/api/v1/timesheets/", {
      token: fixture.tokens.admin,
      body: { employee_id: fixture.empA, project_id: fixture.projA, hours_worked: 1, date: daysAgo(3) },
    });
    expect(await companyHours()).toBe(5);
    standby.psql("SELECT pg_wal_replay_resume()");
    await eventually(async () => (await companyHours()) === 6, "the standby replays it");
  }, 60_000);
});
