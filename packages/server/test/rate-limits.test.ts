import { createMemoryStore } from "@epca/adapter-memory";
import { describeRateLimits, testConfig } from "@epca/server";
import { afterEach, describe, expect, it } from "vitest";
import { PASSWORD, startServer, type TestServer } from "./support/harness.js";

const API = "/api/v1";
const servers: TestServer[] = [];
const track = (t: TestServer) => (servers.push(t), t);
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

/** Every request of these tests comes from 127.0.0.1: one office behind one NAT address. */
describe("rate limits that fit real use (real HTTP, one client address)", () => {
  async function office(overrides: Parameters<typeof startServer>[1], people: number) {
    const t = track(await startServer(createMemoryStore(), overrides));
    for (let i = 0; i < people; i++) {
      await t.epca.users.create(t.system, { email: `colleague-${i}@test.example`, password: PASSWORD, full_name: `Colleague ${i}`, role: "analyst" });
    }
    return t;
  }
  const statuses = async (n: number, send: () => Promise<{ status: number }>) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await send()).status);
    return out;
  };

  it("two users behind one address each get their own limit; anonymous requests of that address share another", async () => {
    const t = await office({ RATE_LIMIT_PER_MINUTE: 3 }, 2);
    const alice = (await t.login("colleague-0@test.example")).access_token;
    const bob = (await t.login("colleague-1@test.example")).access_token;
    const get = (token?: string) => () => t.request("GET", `${API}/departments/`, { token: token ?? null });
    expect(await statuses(4, get(alice))).toEqual([200, 200, 200, 429]);
    expect(await statuses(4, get(bob))).toEqual([200, 200, 200, 429]);
    const limited = await t.request("GET", `${API}/departments/`, { token: bob });
    expect(limited.body).toEqual({ detail: "Rate limit exceeded: too many requests per minute" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Anonymous requests, and a token that does not verify, count per address: one shared count.
    expect(await statuses(2, get())).toEqual([401, 401]);
    expect((await t.request("GET", `${API}/departments/`, { token: `${alice}x` })).status).toBe(401);
    expect(await statuses(2, get())).toEqual([429, 429]);
    // The users' counts are theirs alone: a third colleague still has all of theirs.
    await t.epca.users.create(t.system, { email: "late@test.example", password: PASSWORD, full_name: "Late", role: "analyst" });
    expect(await statuses(3, get((await t.login("late@test.example")).access_token))).toEqual([200, 200, 200]);
  });

  it("RATE_LIMIT_PER_HOUR is per user too", async () => {
    const t = await office({ RATE_LIMIT_PER_HOUR: 2 }, 2);
    const alice = (await t.login("colleague-0@test.example")).access_token;
    const bob = (await t.login("colleague-1@test.example")).access_token;
    const get = (token: string) => () => t.request("GET", `${API}/departments/`, { token });
    expect(await statuses(3, get(alice))).toEqual([200, 200, 429]);
    expect(await statuses(3, get(bob))).toEqual([200, 200, 429]);
  });

  it("at 9:00 a whole office logs in from one address: per-IP login limit generous, per-account limit strict", async () => {
    const t = await office({ RATE_LIMIT_PER_MINUTE: 5, AUTH_RATE_LIMIT_PER_MINUTE: 2, AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: 30 }, 25);
    const login = (i: number, password = PASSWORD) => () => t.request("POST", `${API}/auth/login`, { body: { username: `colleague-${i}@test.example`, password } });
    // 25 logins: more than the API limit (5) and the per-account limit (2), within the per-IP one (30).
    const everyone: number[] = [];
    for (let i = 0; i < 25; i++) everyone.push((await login(i)()).status);
    expect(everyone).toEqual(Array(25).fill(200));
    // Guessing one account's password is stopped after 2 failures, while a colleague still logs in.
    expect(await statuses(3, login(0, "wrong-password"))).toEqual([401, 401, 429]);
    expect((await login(1)()).status).toBe(200);
    // The address's budget (30 a minute) ends at last: 25 + 3 + 1 = 29 so far.
    expect(await statuses(2, login(2))).toEqual([200, 429]);
  });

  it("describes the limits for the start banner", () => {
    expect(describeRateLimits(testConfig({ RATE_LIMIT_PER_MINUTE: 60, RATE_LIMIT_PER_HOUR: 1000, AUTH_RATE_LIMIT_PER_MINUTE: 10, AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: 300 }))).toEqual([
      "API 60/min, 1000/h per signed-in user (anonymous: per client address)",
      "login 10 failures/15 min per account; login and refresh 300/min per client address",
    ]);
    expect(describeRateLimits(testConfig())).toEqual([
      "API off, off per signed-in user (anonymous: per client address)",
      "login off; login and refresh off",
    ]);
  });
});
