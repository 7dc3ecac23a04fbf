import { createPostgresStore, type PostgresStore } from "@epca/adapter-postgres";
import type { EpcaStore } from "@epca/core";
import type { ServerConfig } from "@epca/server";
import { createTestDatabase, type TestDatabase } from "../../../test-support/test-database.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./support/harness.js";
import { postgresServerUrl } from "./support/stores.js";

const API = "/api/v1";

/**
 * Two server instances as in a scaled-out deployment: two apps on two ports, each with its own
 * store (own pool) on one fresh database, configured with a `postgres://` DATABASE_URL.
 */
describe.skipIf(!postgresServerUrl)("rate limits shared by instances on one PostgreSQL", () => {
  let database: TestDatabase;
  const stores: PostgresStore[] = [];
  const servers: TestServer[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    for (let i = 0; i < 2; i++) {
      stores.push(await createPostgresStore({ connectionString: database.url, poolSize: 3, migrate: i === 0 }));
    }
  });
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
    await stores[0]?.counters.resetPrefix("");
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await database?.drop();
  });

  /**
   * Instances A and B on the two stores of one database; `oneProcessEach` hands them the stores as
   * single-process stores declare themselves (PGlite, memory), whose counters are the process's.
   */
  async function twoInstances(overrides: Partial<ServerConfig>, options: { oneProcessEach?: boolean } = {}): Promise<[TestServer, TestServer]> {
    const config = { storeKind: "postgres" as const, DATABASE_URL: database.url, TRUST_PROXY: 1, ...overrides };
    const as = (store: EpcaStore): EpcaStore =>
      options.oneProcessEach
        ? Object.assign(Object.create(store) as EpcaStore, { capabilities: { sharedAcrossProcesses: false, durable: true } })
        : store;
    const a = await startServer(as(stores[0]!), config);
    const b = await startServer(as(stores[1]!), config);
    servers.push(a, b);
    expect(a.base).not.toBe(b.base);
    return [a, b];
  }

  it("RATE_LIMIT_PER_MINUTE counts requests to both instances together: the 4th overall is 429 with Retry-After", async () => {
    const [a, b] = await twoInstances({ RATE_LIMIT_PER_MINUTE: 3 });
    const responses = [];
    for (const t of [a, b, a, b, a]) responses.push(await t.request("GET", `${API}/departments/`));
    expect(responses.map((r) => r.status)).toEqual([401, 401, 401, 429, 429]);
    // draft-7 headers: one shared count, so `remaining` goes down across instances.
    expect(responses.slice(0, 4).map((r) => /remaining=(\d+)/.exec(r.headers.get("ratelimit") ?? "")?.[1])).toEqual(["2", "1", "0", "0"]);
    expect(responses[0]!.headers.get("ratelimit-policy")).toBe("3;w=60");
    const limited = responses[3]!;
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body).toEqual({ detail: "Rate limit exceeded: too many requests per minute" });
    // Another client address (one trusted proxy hop) has its own count, on either instance.
    const other = { headers: { "x-forwarded-for": "198.51.100.23" } };
    expect((await a.request("GET", `${API}/departments/`, other)).status).toBe(401);
    expect((await b.request("GET", `${API}/departments/`, other)).status).toBe(401);
    // Health stays exempt.
    expect((await b.request("GET", `${API}/health`)).status).toBe(200);
  });

  it("a signed-in user's count is one across instances; a colleague behind the same address has their own", async () => {
    const [a, b] = await twoInstances({ RATE_LIMIT_PER_MINUTE: 3 });
    for (const email of ["pat@test.example", "sam@test.example"]) {
      await a.epca.users.create(a.system, { email, password: "password123", full_name: email, role: "analyst" });
    }
    const pat = (await a.login("pat@test.example")).access_token;
    const sam = (await b.login("sam@test.example")).access_token;
    const statuses: number[] = [];
    for (const t of [a, b, a, b]) statuses.push((await t.request("GET", `${API}/departments/`, { token: pat })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await b.request("GET", `${API}/departments/`, { token: sam })).status).toBe(200);
    expect((await a.request("GET", `${API}/departments/`, { token: sam })).status).toBe(200);
  });

  it("failed logins per account are counted across instances, whatever address they come from", async () => {
    const [a, b] = await twoInstances({ AUTH_RATE_LIMIT_PER_MINUTE: 3, RATE_LIMIT_PER_MINUTE: 1000 });
    // Each attempt from another client address: the per-IP login limit cannot trigger.
    const attempt = (t: TestServer, i: number, username: string) =>
      t.request("POST", `${API}/auth/login`, {
        body: { username, password: "wrong-pass" },
        headers: { "x-forwarded-for": `203.0.113.${i}` },
      });
    const statuses: number[] = [];
    const responses = [];
    for (const [i, t] of [a, b, a, b].entries()) responses.push(await attempt(t, i + 1, i % 2 ? "Victim@Test.Example" : "victim@test.example"));
    for (const r of responses) statuses.push(r.status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(Number(responses[3]!.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another account is not affected, on either instance.
    expect((await attempt(a, 50, "someone-else@test.example")).status).toBe(401);
    expect((await attempt(b, 51, "someone-else@test.example")).status).toBe(401);
  });

  it("login per client IP is counted across instances; another client IP is unaffected", async () => {
    const [a, b] = await twoInstances({ AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: 2, RATE_LIMIT_PER_MINUTE: 1000 });
    const login = (t: TestServer, i: number, ip = "198.51.100.7") =>
      t.request("POST", `${API}/auth/login`, { body: { username: `user-${i}@test.example`, password: "wrong-pass" }, headers: { "x-forwarded-for": ip } });
    expect([(await login(a, 1)).status, (await login(b, 2)).status, (await login(a, 3)).status]).toEqual([401, 401, 429]);
    expect((await login(b, 4, "198.51.100.8")).status).toBe(401);
    // Refresh has its own bucket.
    expect((await b.request("POST", `${API}/auth/refresh`, { body: { refresh_token: "not.a.token" }, headers: { "x-forwarded-for": "198.51.100.7" } })).status).toBe(401);
  });

  it("control: with the memory store (a PGlite or memory configuration) each instance counts alone", async () => {
    const [a, b] = await twoInstances({ storeKind: "memory", DATABASE_URL: "memory:", RATE_LIMIT_PER_MINUTE: 3 }, { oneProcessEach: true });
    const statuses: number[] = [];
    for (const t of [a, b, a, b]) statuses.push((await t.request("GET", `${API}/departments/`)).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
  });
});
