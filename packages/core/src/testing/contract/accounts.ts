import { ConflictError, NotFoundError } from "../../errors.js";
import { checkEqual, checkRejects } from "../assertions.js";
import { type ContractContext } from "./kit.js";

/** The contract part "users, roles and refresh tokens". */
export function accountContract(ctx: ContractContext): void {
  const { describe, it, run, newTenant } = ctx;
  describe("users, roles and refresh tokens", () => {
    const userValues = (email: string) => ({
      email, password_hash: "scrypt$hash", full_name: "Test User", role: "analyst" as const,
      is_active: true, department_id: null, employee_id: null,
    });

    it("stores users, refuses duplicate emails and updates", async () => {
      const tenant = await newTenant();
      const user = await run(tenant, (s) => s.users.insert(userValues("u@example.com")));
      checkEqual({ email: user.email, role: user.role, role_ids: user.role_ids, hash: user.password_hash }, { email: "u@example.com", role: "analyst", role_ids: [], hash: "scrypt$hash" }, "user fields");
      await checkRejects(run(tenant, (s) => s.users.insert(userValues("u@example.com"))), ConflictError, "duplicate user email");
      await checkRejects(run(tenant, (s) => s.users.insert(userValues("U@Example.com"))), ConflictError, "user emails collide without regard to case");
      checkEqual((await run(tenant, (s) => s.users.findByEmail("U@EXAMPLE.COM")))?.id, user.id, "user findByEmail ignores case");
      const updated = await run(tenant, (s) => s.users.update(user.id, { role: "admin", is_active: false }));
      checkEqual({ role: updated?.role, is_active: updated?.is_active }, { role: "admin", is_active: false }, "user update");
      checkEqual(await run(tenant, (s) => s.users.count()), 1, "count");
      checkEqual((await run(tenant, (s) => s.users.list({ role: "admin" }, { skip: 0, limit: 10 }))).total, 1, "filter by role");
    });

    it("grants custom roles and drops the grants with the role or the user", async () => {
      const tenant = await newTenant();
      const { user, role } = await run(tenant, async (s) => ({
        user: await s.users.insert(userValues("r@example.com")),
        role: await s.roles.insert({ name: "auditor", description: null, permissions: [{ resource: "audit_logs", actions: ["read"] }] }),
      }));
      await checkRejects(run(tenant, (s) => s.roles.insert({ name: "auditor", description: null, permissions: [] })), ConflictError, "duplicate role name");
      await checkRejects(run(tenant, (s) => s.users.setRoleIds(user.id, [role.id, 999_999_999])), NotFoundError, "granting a role of no such id");
      await checkRejects(run(tenant, (s) => s.users.setRoleIds(999_999_999, [role.id])), NotFoundError, "granting to a user of no such id");
      checkEqual((await run(tenant, (s) => s.users.findById(user.id)))?.role_ids, [], "a refused grant grants nothing");
      await run(tenant, (s) => s.users.setRoleIds(user.id, [role.id]));
      checkEqual((await run(tenant, (s) => s.users.findById(user.id)))?.role_ids, [role.id], "role granted");
      checkEqual(await run(tenant, (s) => s.roles.findByIds([role.id, 999_999_999])), [role], "findByIds returns the existing ones");
      await run(tenant, (s) => s.roles.delete(role.id));
      checkEqual((await run(tenant, (s) => s.users.findById(user.id)))?.role_ids, [], "grant gone with the role");
    });

    it("rotates a refresh token once, then reports reuse; revocation and expiry are told apart", async () => {
      const tenant = await newTenant();
      const user = await run(tenant, (s) => s.users.insert(userValues("t@example.com")));
      const now = new Date("2030-01-01T00:00:00Z");
      await run(tenant, async (s) => {
        await s.refreshTokens.insert({ family_id: "fam-1", token_hash: "hash-1", user_id: user.id, expires_at: "2030-01-08T00:00:00.000Z" });
        await s.refreshTokens.insert({ family_id: "fam-1", token_hash: "hash-2", user_id: user.id, expires_at: "2030-01-08T00:00:00.000Z" });
        await s.refreshTokens.insert({ family_id: "fam-2", token_hash: "hash-old", user_id: user.id, expires_at: "2029-12-31T00:00:00.000Z" });
      });
      checkEqual((await run(tenant, (s) => s.refreshTokens.consume("hash-1", now))).outcome, "rotated", "first use rotates");
      checkEqual((await run(tenant, (s) => s.refreshTokens.consume("hash-1", now))).outcome, "reused", "second use is reuse");
      checkEqual((await run(tenant, (s) => s.refreshTokens.consume("hash-old", now))).outcome, "expired", "expired");
      checkEqual((await run(tenant, (s) => s.refreshTokens.consume("nope", now))).outcome, "unknown", "unknown");
      checkEqual(await run(tenant, (s) => s.refreshTokens.revokeFamily("fam-1", now)), 1, "one live token revoked");
      checkEqual((await run(tenant, (s) => s.refreshTokens.consume("hash-2", now))).outcome, "revoked", "revoked");
      checkEqual((await run(tenant, (s) => s.refreshTokens.consume("hash-1", now))).outcome, "revoked", "revoked is told before reused");
      const other = await newTenant();
      checkEqual((await run(other, (s) => s.refreshTokens.consume("hash-2", now))).outcome, "unknown", "tokens are per tenant");
    });

    it("lets exactly one of two concurrent refreshes with the same token win", async () => {
      const tenant = await newTenant();
      const user = await run(tenant, (s) => s.users.insert(userValues("race@example.com")));
      await run(tenant, (s) => s.refreshTokens.insert({ family_id: "race", token_hash: "race-hash", user_id: user.id, expires_at: "2099-01-01T00:00:00.000Z" }));
      const now = new Date("2030-01-01T00:00:00Z");
      const results = await Promise.all([1, 2, 3].map(() => run(tenant, (s) => s.refreshTokens.consume("race-hash", now))));
      checkEqual(results.filter((r) => r.outcome === "rotated").length, 1, "exactly one rotation");
      checkEqual(results.filter((r) => r.outcome === "reused").length, 2, "the others see reuse");
    });

    it("answers the first repeat of a rotated token inside the grace window with its sealed successor, then reports reuse", async () => {
      const tenant = await newTenant();
      const user = await run(tenant, (s) => s.users.insert(userValues("grace@example.com")));
      const rotatedAt = new Date("2030-01-01T00:00:00Z");
      const later = (ms: number) => new Date(rotatedAt.getTime() + ms);
      const grace = { graceMs: 30_000 };
      const expires = "2030-01-08T00:00:00.000Z";
      // A rotation: a used token, its successor stored and recorded in the same unit of work.
      const rotate = (family: string, from: string, to: string) =>
        run(tenant, async (s) => {
          const consumed = await s.refreshTokens.consume(from, rotatedAt, grace);
          if (consumed.outcome !== "rotated") return consumed.outcome;
          await s.refreshTokens.insert({ family_id: family, token_hash: to, user_id: user.id, expires_at: expires });
          await s.refreshTokens.recordSuccessor(consumed.token.id, { token_hash: to, sealed: `sealed:${to}` });
          return consumed.outcome;
        });
      await run(tenant, async (s) => {
        for (const [family, hash] of [["g1", "g1-a"], ["g2", "g2-a"], ["g3", "g3-a"], ["g4", "g4-a"]] as const) {
          await s.refreshTokens.insert({ family_id: family, token_hash: hash, user_id: user.id, expires_at: expires });
        }
      });
      checkEqual(await rotate("g1", "g1-a", "g1-b"), "rotated", "first use rotates");
      const replayed = await run(tenant, (s) => s.refreshTokens.consume("g1-a", later(29_000), grace));
      checkEqual(
        replayed.outcome === "replayed" ? { successor: replayed.successor, replayed_at: replayed.token.replayed_at, successor_hash: replayed.token.successor_hash } : replayed.outcome,
        { successor: "sealed:g1-b", replayed_at: later(29_000).toISOString(), successor_hash: "g1-b" },
        "a repeat inside the window answers the sealed successor",
      );
      checkEqual((await run(tenant, (s) => s.refreshTokens.consume("g1-a", later(29_500), grace))).outcome, "reused", "a second repeat is reuse");
      checkEqual((await run(tenant, (s) => s.refreshTokens.consume("g1-b", later(30_000), grace))).outcome, "rotated", "the successor still rotates");

      checkEqual(await rotate("g2", "g2-a", "g2-b"), "rotated", "g2 rotates");
      checkEqual((await run(tenant, (s) => s.refreshTokens.consume("g2-a", later(30_000), grace))).outcome, "reused", "a repeat at the window's end is reuse");
      checkEqual(await rotate("g3", "g3-a", "g3-b"), "rotated", "g3 rotates");
      checkEqual((await run(tenant, (s) => s.refreshTokens.consume("g3-a", later(1_000)))).outcome, "reused", "without a window a repeat is reuse");
      await run(tenant, (s) => s.refreshTokens.consume("g3-b", later(1_000), grace));
      checkEqual((await run(tenant, (s) => s.refreshTokens.consume("g3-a", later(2_000), grace))).outcome, "reused", "once the successor was used, a repeat is reuse");
      checkEqual(await rotate("g4", "g4-a", "g4-b"), "rotated", "g4 rotates");
      checkEqual(await run(tenant, (s) => s.refreshTokens.revokeFamily("g4", later(1_000))), 1, "g4's successor revoked");
      checkEqual((await run(tenant, (s) => s.refreshTokens.consume("g4-a", later(2_000), grace))).outcome, "revoked", "a revoked family answers revoked");
      const other = await newTenant();
    });

    it("of concurrent refreshes with one token inside the window, one rotates, one replays its successor and the rest see reuse", async () => {
      const tenant = await newTenant();
      const user = await run(tenant, (s) => s.users.insert(userValues("tabs@example.com")));
      await run(tenant, (s) => s.refreshTokens.insert({ family_id: "tabs", token_hash: "tabs-a", user_id: user.id, expires_at: "2099-01-01T00:00:00.000Z" }));
      const now = new Date("2030-01-01T00:00:00Z");
      const results = await Promise.all(
        [1, 2, 3].map(() =>
          run(tenant, async (s) => {
            const consumed = await s.refreshTokens.consume("tabs-a", now, { graceMs: 30_000 });
            if (consumed.outcome === "rotated") {
              await s.refreshTokens.insert({ family_id: "tabs", token_hash: "tabs-b", user_id: user.id, expires_at: "2099-01-01T00:00:00.000Z" });
              await s.refreshTokens.recordSuccessor(consumed.token.id, { token_hash: "tabs-b", sealed: "sealed:tabs-b" });
            }
            return consumed.outcome === "replayed" ? `replayed ${consumed.successor}` : consumed.outcome;
          }),
        ),
      );
      checkEqual([...results].sort(), ["replayed sealed:tabs-b", "reused", "rotated"], "one of each");
    });

    it("reads a user with whether one of their sessions is still active, in one call", async () => {
      const tenant = await newTenant();
      const now = new Date("2030-01-01T00:00:00Z");
      const [a, b] = await run(tenant, async (s) => [await s.users.insert(userValues("sa@example.com")), await s.users.insert(userValues("sb@example.com"))]);
      await run(tenant, async (s) => {
        await s.refreshTokens.insert({ family_id: "sess-a", token_hash: "sess-a-1", user_id: a!.id, expires_at: "2099-01-01T00:00:00.000Z" });
        await s.refreshTokens.insert({ family_id: "sess-a2", token_hash: "sess-a2-1", user_id: a!.id, expires_at: "2099-01-01T00:00:00.000Z" });
      });
      const read = (id: number, family: string) =>
        run(tenant, async (s) => {
          const found = await s.users.findWithSession(id, family);
          return found && { email: found.user.email, role_ids: found.user.role_ids, sessionActive: found.sessionActive };
        });
      checkEqual(await read(a!.id, "sess-a"), { email: "sa@example.com", role_ids: [], sessionActive: true }, "a live session");
      await run(tenant, (s) => s.refreshTokens.consume("sess-a-1", now));
      checkEqual((await read(a!.id, "sess-a"))?.sessionActive, true, "a rotated session is live");
      checkEqual((await read(b!.id, "sess-a"))?.sessionActive, false, "another user's session is not theirs");
      checkEqual((await read(a!.id, "no-such"))?.sessionActive, false, "an unknown session is not active");
      await run(tenant, (s) => s.refreshTokens.revokeFamily("sess-a", now));
      checkEqual((await read(a!.id, "sess-a"))?.sessionActive, false, "a revoked session has ended");
      checkEqual((await read(a!.id, "sess-a2"))?.sessionActive, true, "the user's other session goes on");
      checkEqual(await read(999_999_999, "sess-a2"), null, "no such user");
    });

    it("deletes a user with their tokens, and revokes all of a user's tokens", async () => {
      const tenant = await newTenant();
      const now = new Date("2030-01-01T00:00:00Z");
      const [a, b] = await run(tenant, async (s) => [await s.users.insert(userValues("a@example.com")), await s.users.insert(userValues("b@example.com"))]);
      await run(tenant, async (s) => {
        await s.refreshTokens.insert({ family_id: "fa", token_hash: "ha", user_id: a!.id, expires_at: "2099-01-01T00:00:00.000Z" });
        await s.refreshTokens.insert({ family_id: "fb", token_hash: "hb", user_id: b!.id, expires_at: "2099-01-01T00:00:00.000Z" });
        await s.refreshTokens.insert({ family_id: "fb2", token_hash: "hb2", user_id: b!.id, expires_at: "2099-01-01T00:00:00.000Z" });
      });
      checkEqual((await run(tenant, (s) => s.users.delete(a!.id)))?.email, "a@example.com", "delete answers the user");
      checkEqual((await run(tenant, (s) => s.refreshTokens.consume("ha", now))).outcome, "unknown", "tokens deleted with the user");
      checkEqual(await run(tenant, (s) => s.refreshTokens.revokeAllForUser(b!.id, now)), 2, "both of b's tokens revoked");
      checkEqual((await run(tenant, (s) => s.refreshTokens.consume("hb2", now))).outcome, "revoked", "revoked for the user");
    });
  });
}
