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
