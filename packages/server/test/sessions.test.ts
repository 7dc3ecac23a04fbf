import { createPGliteStore } from "@epca/adapter-postgres";
import { afterEach, describe, expect, it } from "vitest";
import { PASSWORD, startServerOn, type TestServer } from "./support/harness.js";
import { memoryStoreFactory, postgresServerUrl, postgresStoreFactory, type StoreFactory } from "./support/stores.js";

const API = "/api/v1";
const servers: TestServer[] = [];
const track = (t: TestServer) => (servers.push(t), t);
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

/** PGlite in memory: one connection, its transactions one after another. */
const pgliteStoreFactory: StoreFactory = async () => {
  const store = await createPGliteStore({ migrate: true });
  return { store, close: () => store.close() };
};

const stores: Array<[string, StoreFactory, boolean]> = [
  ["memory", memoryStoreFactory, true],
  ["PGlite", pgliteStoreFactory, true],
  ["PostgreSQL", postgresStoreFactory, Boolean(postgresServerUrl)],
];

describe.each(stores)("sessions in real browsers, on %s", (_name, factory, available) => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function withUser(overrides: Parameters<typeof startServerOn>[1] = {}) {
    const t = track(await startServerOn(factory, overrides));
    const user = await t.epca.users.create(t.system, { email: "tabs@test.example", password: PASSWORD, full_name: "Tabs", role: "analyst" });
    const admin = await t.epca.users.create(t.system, { email: "boss@test.example", password: PASSWORD, full_name: "Boss", role: "admin" });
    return { t, user, admin };
  }
  const refresh = (t: TestServer, token: string) => t.request("POST", `${API}/auth/refresh`, { body: { refresh_token: token } });
  const me = (t: TestServer, token: string) => t.request("GET", `${API}/auth/me`, { token });

  it.skipIf(!available)("two tabs refreshing at once with one token both get the same new pair and stay logged in", async () => {
    const { t } = await withUser();
    const first = await t.login("tabs@test.example");
    const [a, b] = await Promise.all([refresh(t, first.refresh_token), refresh(t, first.refresh_token)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.access_token).toBe(a.body.access_token);
    expect(b.body.refresh_token).toBe(a.body.refresh_token);
    expect(b.body.refresh_token).not.toBe(first.refresh_token);
    expect((await me(t, a.body.access_token)).status).toBe(200);
    // The pair both tabs hold rotates on as usual.
    expect((await refresh(t, a.body.refresh_token)).status).toBe(200);
  });

  it.skipIf(!available)("a repeat after the grace window revokes the family: the pair it issued stops working", async () => {
    const { t } = await withUser({ REFRESH_REUSE_GRACE_SECONDS: 1 });
    const first = await t.login("tabs@test.example");
    const second = await refresh(t, first.refresh_token);
    expect(second.status).toBe(200);
    await sleep(1_100);
    const reuse = await refresh(t, first.refresh_token);
    expect(reuse.status).toBe(401);
    expect(reuse.body).toEqual({ detail: "Refresh token reuse detected; the session has been revoked" });
    expect((await refresh(t, second.body.refresh_token)).status).toBe(401);
    expect((await me(t, second.body.access_token)).status).toBe(401);
  });

  it.skipIf(!available)("a second repeat inside the window revokes the family too", async () => {
    const { t } = await withUser();
    const first = await t.login("tabs@test.example");
    const second = await refresh(t, first.refresh_token);
    const replay = await refresh(t, first.refresh_token);
    expect(replay.status).toBe(200);
    expect(replay.body.refresh_token).toBe(second.body.refresh_token);
    expect((await refresh(t, first.refresh_token)).status).toBe(401);
    expect((await me(t, second.body.access_token)).status).toBe(401);
  });

  it.skipIf(!available)("after logout the old access token gets 401; other sessions go on", async () => {
    const { t } = await withUser();
    const one = await t.login("tabs@test.example");
    const two = await t.login("tabs@test.example");
    expect((await t.request("POST", `${API}/auth/logout`, { token: one.access_token })).status).toBe(200);
    const after = await me(t, one.access_token);
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ detail: "The session has ended; log in again" });
    expect((await me(t, two.access_token)).status).toBe(200);
  });

  it.skipIf(!available)("after an admin deactivates a user, the user's live access token gets 401", async () => {
    const { t, user } = await withUser();
    const live = await t.login("tabs@test.example");
    const boss = await t.login("boss@test.example");
    expect((await me(t, live.access_token)).status).toBe(200);
    expect((await t.request("PUT", `${API}/users/${user.id}`, { token: boss.access_token, body: { is_active: false } })).status).toBe(200);
    expect((await me(t, live.access_token)).status).toBe(401);
  });

  it.skipIf(!available)("after a password change, the other sessions' access tokens get 401", async () => {
    const { t, user } = await withUser();
    const laptop = await t.login("tabs@test.example");
    const phone = await t.login("tabs@test.example");
    const changed = await t.request("PUT", `${API}/users/${user.id}`, {
      token: laptop.access_token,
      body: { password: "a-new-password-1", current_password: PASSWORD },
    });
    expect(changed.status).toBe(200);
    expect((await me(t, phone.access_token)).status).toBe(401);
    expect((await refresh(t, phone.refresh_token)).status).toBe(401);
    // The new password starts a new session.
    expect((await me(t, (await t.login("tabs@test.example", "a-new-password-1")).access_token)).status).toBe(200);
  });
});
