/**
 * PostgreSQL stopped and started again under load: the server keeps answering HTTP all along,
 * `/api/v1/health` goes 503 while the database is down and 200 once it is back, and requests
 * succeed again, all without restarting the server (the pool drops its dead connections).
 */
import { createPostgresStore, type PostgresStore } from "@epca/adapter-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPostgresBin } from "../../../test-support/postgres-cluster.js";
import { startControlledCluster, type ControlledCluster } from "../../../test-support/postgres-control.js";
import { createFixture, startServer, type Fixture, type TestServer } from "./support/harness.js";

describe.skipIf(!findPostgresBin())("health while PostgreSQL stops and restarts", () => {
  let cluster: ControlledCluster;
  let store: PostgresStore;
  let server: TestServer;
  let fixture: Fixture;

  beforeAll(async () => {
    cluster = (await startControlledCluster())!;
    store = await createPostgresStore({ connectionString: cluster.url, poolSize: 5, migrate: true });
    server = await startServer(store);
    fixture = await createFixture(server);
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
    cluster?.destroy();
  });

  it("503 while the database is down, 200 again after it restarts; HTTP answers throughout", async () => {
    const statuses: { health: number[]; list: number[]; failures: string[] } = { health: [], list: [], failures: [] };
    let running = true;
    // Load: eight clients alternating health checks and an authenticated list, until told to stop.
    const load = Array.from({ length: 8 }, async (_, i) => {
      while (running) {
        try {
          if (i % 2 === 0) statuses.health.push((await server.request("GET", "/api/v1/health")).status);
          else statuses.list.push((await server.request("GET", "/api/v1/departments/", { token: fixture.tokens.analyst })).status);
        } catch (error) {
          statuses.failures.push(String(error));
        }
      }
    });
    const health = async () => (await server.request("GET", "/api/v1/health")).status;
    const until = async (status: number, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while ((await health()) !== status) {
        if (Date.now() > deadline) throw new Error(`health never answered ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await health()).toBe(200);
    cluster.stop("fast");
    await until(503);
    const down = await server.request("GET", "/api/v1/health");
    expect(down.body).toMatchObject({ status: "unhealthy", checks: { database: { status: "unhealthy", latency_ms: null } } });
    const listWhileDown = await server.request("GET", "/api/v1/departments/", { token: fixture.tokens.analyst });
    expect(listWhileDown.status).toBe(500);
    await new Promise((resolve) => setTimeout(resolve, 500));

    cluster.start();
    await until(200);
    const list = await server.request("GET", "/api/v1/departments/", { token: fixture.tokens.analyst });
    expect(list.status).toBe(200);
    expect(list.body.map((d: { name: string }) => d.name).sort()).toEqual(["Dept A", "Dept B"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    running = false;
    await Promise.all(load);

    expect(statuses.failures).toEqual([]);
    expect(new Set(statuses.health)).toEqual(new Set([200, 503]));
    expect([...new Set(statuses.list)].sort()).toEqual([200, 500]);
    expect(statuses.health.at(-1)).toBe(200);
    expect(statuses.list.at(-1)).toBe(200);
  }, 90_000);
});
