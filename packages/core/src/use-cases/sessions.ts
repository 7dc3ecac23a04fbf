import { UnauthenticatedError } from "../errors.js";
import type { Actor, RequestMetadata } from "../policy/actor.js";
import type { SessionClaims, SessionTokenService } from "../ports/session-tokens.js";
import type { TenantScope } from "../ports/store.js";
import type { TenantId } from "../schemas/common.js";
import { checkTenantOf } from "./actors.js";
import { recordChange } from "./audit-trail.js";
import type { UseCaseContext } from "./unit-of-work.js";
import type { SessionUseCases, TokenPair, UserUseCases } from "./types.js";

const WRONG_CREDENTIALS = "Incorrect email or password";
const INVALID_REFRESH = "Invalid or expired refresh token";
const RESOURCE = "session";

/** A fresh random session id (a refresh-token family), from the platform's CSPRNG. */
function newSessionId(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * Sessions: a login starts a refresh-token family, a refresh rotates it (reuse of a used token
 * revokes the whole family), a logout revokes it. Tokens are signed by the host's
 * `SessionTokenService`; only refresh-token hashes are stored. Logins, logouts and detected reuse
 * are audited.
 */
export function sessionUseCases(ctx: UseCaseContext, users: UserUseCases): SessionUseCases {
  function tokens(): SessionTokenService {
    // createEpca refuses to build sessions without a token service; this narrows the type.
    if (!ctx.sessionTokens) throw new UnauthenticatedError("Sessions are not enabled");
    return ctx.sessionTokens;
  }

  /** Signs a pair and stores its refresh token in the unit of work. */
  async function issue(scope: TenantScope, claims: SessionClaims): Promise<TokenPair> {
    const signed = await tokens().issue(claims);
    await scope.refreshTokens.insert({
      family_id: claims.sessionId,
      token_hash: signed.refreshTokenHash,
      user_id: claims.userId,
      expires_at: signed.refreshExpiresAt.toISOString(),
    });
    return { access_token: signed.accessToken, refresh_token: signed.refreshToken, token_type: "bearer", expires_in: signed.accessExpiresIn };
  }

  return {
    async login(tenantId: TenantId, credentials, request?: RequestMetadata) {
      // The password is checked outside any transaction (scrypt takes ~100 ms of CPU).
      const user = await users.authenticate(tenantId, credentials.email.trim().toLowerCase(), credentials.password);
      if (user === null) throw new UnauthenticatedError(WRONG_CREDENTIALS);
      return ctx.run(tenantId, async (scope) => {
        checkTenantOf(scope, null);
        const claims: SessionClaims = { tenantId, userId: user.id, sessionId: newSessionId() };
        const pair = await issue(scope, claims);
        await recordChange(scope, { userId: user.id, ...(request ? { request } : {}) }, {
          action: "login", resourceType: RESOURCE, resourceId: null, before: null, after: { user_id: user.id },
        });
        return pair;
      });
    },

    async refresh(refreshToken, options = {}) {
      const claims = await tokens().verifyRefresh(refreshToken);
      if (claims === null) throw new UnauthenticatedError(INVALID_REFRESH);
      const now = ctx.clock.now();
      const source = { userId: claims.userId, ...(options.request ? { request: options.request } : {}) };
      // One unit of work: consuming the presented token, checking the user and storing the new token
      // commit together. A concurrent refresh with the same token then either waits for this one and
      // sees the new token (its reuse detection revokes it with the family), or wins and this one does.
      // Failures return instead of throwing so that the revocations they made commit.
      const outcome = await ctx.run(claims.tenantId, async (scope) => {
        checkTenantOf(scope, options.tenantHint);
        const consumed = await scope.refreshTokens.consume(tokens().hashRefreshToken(refreshToken), now);
        if (consumed.outcome === "reused") {
          await scope.refreshTokens.revokeFamily(consumed.token.family_id, now);
          await recordChange(scope, source, {
            action: "revoke_reused", resourceType: RESOURCE, resourceId: null, before: null, after: { user_id: consumed.token.user_id },
          });
          return { ok: false as const, reason: "Refresh token reuse detected; the session has been revoked" };
        }
        if (consumed.outcome !== "rotated" || consumed.token.user_id !== claims.userId) return { ok: false as const, reason: INVALID_REFRESH };
        const familyId = consumed.token.family_id;
        const user = await scope.users.findById(claims.userId);
        if (!user || !user.is_active) {
          await scope.refreshTokens.revokeFamily(familyId, now);
          return { ok: false as const, reason: "Inactive or unknown user" };
        }
        return { ok: true as const, pair: await issue(scope, { tenantId: claims.tenantId, userId: claims.userId, sessionId: familyId }) };
      });
      if (!outcome.ok) throw new UnauthenticatedError(outcome.reason);
      return outcome.pair;
    },

    async logout(actor: Actor, sessionId: string, options = {}) {
      // A refresh token sent along ends its session too, when it is the actor's own.
      const other = options.refreshToken ? await tokens().verifyRefresh(options.refreshToken) : null;
      const families = [sessionId];
      if (other && other.userId === actor.userId && other.tenantId === actor.tenantId && other.sessionId !== sessionId) families.push(other.sessionId);
      await ctx.run(actor.tenantId, async (scope) => {
        const now = ctx.clock.now();
        for (const family of families) await scope.refreshTokens.revokeFamily(family, now);
        await recordChange(scope, actor, { action: "logout", resourceType: RESOURCE, resourceId: null, before: null, after: { user_id: actor.userId } });
      });
    },
  };
}
