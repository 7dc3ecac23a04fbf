/**
 * Sessions at their edges, over HTTP on the memory store: a user made inactive behind the API's
 * back cannot refresh (and the session stays ended), and logout with a refresh token ends that
 * token's session only when it is the caller's own.
 */
import { createMemoryStore } from "@epca/adapter-memory";
import { DEFAULT_TENANT_ID } from "@epca/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startServer, type TestServer } from "./support/harness.js";

const API = "/api/v1";
let t: TestServer;
const refresh = (token: string) => t.request("POST", `${API}/auth/refresh`, { body: { refresh_token: token } });

beforeAll(async () => {
  t = await startServer(createMemoryStore());
  for (const email of ["ann@test.example", "ben@test.example", "cat@test.example"]) {
    await t.epca.users.create(t.system, { email, password: PASSWORD, full_name: email.split("@")[0]!, role: "analyst" });
  }
});
afterAll(async () => {
  await t?.close();
});

describe("refresh", () => {
  it("refuses a user made inactive outside the API, and the session stays ended after reactivation", async () => {
    const pair = await t.login("cat@test.example");
    const me = await t.request("GET", `${API}/auth/me`, { token: pair.access_token });
    const setActive = (is_active: boolean) => t.store.transaction(DEFAULT_TENANT_ID, (scope) => scope.users.update(me.body.id, { is_active }));
    await setActive(false);
    const refused = await refresh(pair.refresh_token);
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe("Inactive or unknown user");
    await setActive(true);
    const again = await refresh(pair.refresh_token);
    expect(again.status).toBe(401);
    expect(again.body.detail).toMatch(/refresh token/i);
    // A new login works: only that session ended.
    expect((await refresh((await t.login("cat@test.example")).refresh_token)).status).toBe(200);
  });
});

describe("logout with a refresh token", () => {
  it("ends the caller's other session named by its refresh token", async () => {
    const phone = await t.login("ann@test.example");
    const laptop = await t.login("ann@test.example");
    const logout = await t.request("POST", `${API}/auth/logout`, { token: phone.access_token, body: { refresh_token: laptop.refresh_token } });
    expect(logout.status).toBe(200);
    expect((await refresh(phone.refresh_token)).status).toBe(401);
    expect((await refresh(laptop.refresh_token)).status).toBe(401);
  });

  it("with the session's own refresh token ends just that session", async () => {
    const own = await t.login("ann@test.example");
    const other = await t.login("ann@test.example");
    expect((await t.request("POST", `${API}/auth/logout`, { token: own.access_token, body: { refresh_token: own.refresh_token } })).status).toBe(200);
    expect((await refresh(own.refresh_token)).status).toBe(401);
    expect((await refresh(other.refresh_token)).status).toBe(200);
  });

  it("never ends another user's session, and ignores a token that is not a refresh token", async () => {
    const ann = await t.login("ann@test.example");
    const ben = await t.login("ben@test.example");
    const annAgain = await t.login("ann@test.example");
    expect((await t.request("POST", `${API}/auth/logout`, { token: ann.access_token, body: { refresh_token: ben.refresh_token } })).status).toBe(200);
    expect((await refresh(ben.refresh_token)).status).toBe(200);
    expect((await refresh(ann.refresh_token)).status).toBe(401);
    // An access token where the refresh token goes ends nothing more than the caller's session.
    const annThird = await t.login("ann@test.example");
    expect((await t.request("POST", `${API}/auth/logout`, { token: annThird.access_token, body: { refresh_token: annAgain.access_token } })).status).toBe(200);
    expect((await refresh(annAgain.refresh_token)).status).toBe(200);
  });
});
