/** The refresh grace window's edges: a stored answer that does not open right, and a user gone inactive meanwhile. */
import { createMemoryStore } from "@epca/adapter-memory";
import { createEpca, fixedClock, systemActor } from "@epca/core";
import { describe, expect, it } from "vitest";
import { opaqueSessionTokens, testHasher } from "./helpers.js";

async function withReplayedAnswer(opened: (real: string | null) => string | null) {
  const base = opaqueSessionTokens();
  const sessionTokens = { ...base, open: async (sealed: string, presented: string) => opened(await base.open(sealed, presented)) };
  const store = createMemoryStore();
  const epca = createEpca({ store, passwordHasher: testHasher, sessionTokens, clock: fixedClock("2024-06-15T12:00:00Z"), refreshReuseGraceSeconds: 30 });
  const admin = systemActor("default");
  const user = await epca.users.create(admin, { email: "ada@example.com", password: "correct horse", full_name: "Ada", role: "analyst" });
  const first = await epca.sessions.login("default", { email: "ada@example.com", password: "correct horse" });
  const second = await epca.sessions.refresh(first.refresh_token);
  return { epca, admin, user, first, second, store };
}

describe("a repeat inside the grace window", () => {
  it("answers the same pair when the stored answer opens", async () => {
    const { epca, first, second } = await withReplayedAnswer((real) => real);
    expect(await epca.sessions.refresh(first.refresh_token)).toEqual({ ...second, expires_in: second.expires_in });
  });

  it.each([
    ["does not open (another secret)", () => null],
    ["is not JSON", () => "not json"],
    ["is JSON of the wrong shape", () => JSON.stringify({ access_token: 1, refresh_token: "x", access_expires_at: 0 })],
  ])("revokes the session as reuse when the stored answer %s", async (_what, opened) => {
    const { epca, admin, first, second } = await withReplayedAnswer(opened);
    await expect(epca.sessions.refresh(first.refresh_token)).rejects.toThrow("Refresh token reuse detected; the session has been revoked");
    await expect(epca.sessions.refresh(second.refresh_token)).rejects.toThrow("Invalid or expired refresh token");
    expect((await epca.audit.list(admin, { resource_type: "session", action: "revoke_reused" })).total).toBe(1);
  });

  it("refuses a user made inactive since the rotation (behind the use cases' back), and ends the session", async () => {
    const { epca, user, first, second, store } = await withReplayedAnswer((real) => real);
    await store.transaction("default", (s) => s.users.update(user.id, { is_active: false }));
    await expect(epca.sessions.refresh(first.refresh_token)).rejects.toThrow("Inactive or unknown user");
    await store.transaction("default", (s) => s.users.update(user.id, { is_active: true }));
    await expect(epca.sessions.refresh(second.refresh_token)).rejects.toThrow("Invalid or expired refresh token");
  });
});
