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

/** The default refresh-token reuse grace window: seconds in which a just-rotated token answers its successor once. */
export const DEFAULT_REFRESH_REUSE_GRACE_SECONDS = 30;

/** A fresh random session id (a refresh-token family), from the platform's CSPRNG. */
function newSessionId(): string {
  return globalThis.crypto.randomUUID();
}

/** What is sealed of a rotation's answer, to answer a replay inside the grace window with the same pair. */
interface SealedPair {
  readonly access_token: string;
  readonly refresh_token: string;
  /** When the access token expires (epoch milliseconds): a replay answers the seconds left. */
  readonly access_expires_at: number;
}

function parseSealedPair(text: string | null): SealedPair | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<SealedPair>;
    if (typeof value.access_token !== "string" || typeof value.refresh_token !== "string" || typeof value.access_expires_at !== "number") return null;
    return value as SealedPair;
  } catch {
    return null;
  }
}

/**
 * Sessions: a login starts a refresh-token family, a refresh rotates it, a logout revokes it.
 * Reuse of a used token revokes the whole family, with one exception (RFC 9700 section 4.14.2):
 * inside the grace window (`refreshReuseGraceSeconds`) the first repeat of a just-rotated token,
 * while its successor is unused, answers the same pair again, so that two tabs refreshing at once
 * both stay logged in. To answer it again without storing a token in plaintext, the rotation
 * stores its answer sealed with a key derived from the presented token (and the host's secret):
 * only someone presenting that very token can open it. Tokens are signed by the host's
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
  async function issue(scope: TenantScope, claims: SessionClaims): Promise<{ pair: TokenPair; refreshTokenHash: string }> {
    const signed = await tokens().issue(claims);
    await scope.refreshTokens.insert({
      family_id: claims.sessionId,
      token_hash: signed.refreshTokenHash,
      user_id: claims.userId,
      expires_at: signed.refreshExpiresAt.toISOString(),
    });
    const pair: TokenPair = { access_token: signed.accessToken, refresh_token: signed.refreshToken, token_type: "bearer", expires_in: signed.accessExpiresIn };
    return { pair, refreshTokenHash: signed.refreshTokenHash };
  }

  return {
    async login(tenantId: TenantId, credentials, request?: RequestMetadata) {
      // The password is checked outside any transaction (scrypt takes ~100 ms of CPU).
      const user = await users.authenticate(tenantId, credentials.email.trim().toLowerCase(), credentials.password);
      if (user === null) throw new UnauthenticatedError(WRONG_CREDENTIALS);
      return ctx.run(tenantId, async (scope) => {
        checkTenantOf(scope, null);
        const claims: SessionClaims = { tenantId, userId: user.id, sessionId: newSessionId() };
        const { pair } = await issue(scope, claims);
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
      // One unit of work: consuming the presented token, checking the user, storing the new token
      // and its sealed answer commit together. A concurrent refresh with the same token waits for
      // this one (the adapter's row lock) and then sees the used token with its successor: inside
      // the grace window it answers the same pair, after it (or a second time) it revokes the family.
      // Failures return instead of throwing so that the revocations they made commit.
      const outcome = await ctx.run(claims.tenantId, async (scope) => {
        checkTenantOf(scope, options.tenantHint);
        const consumed = await scope.refreshTokens.consume(tokens().hashRefreshToken(refreshToken), now, {
          graceMs: ctx.refreshReuseGraceSeconds * 1000,
        });
        const revokeReused = async (familyId: string, userId: number) => {
          await scope.refreshTokens.revokeFamily(familyId, now);
          await recordChange(scope, source, {
            action: "revoke_reused", resourceType: RESOURCE, resourceId: null, before: null, after: { user_id: userId },
          });
          return { ok: false as const, reason: "Refresh token reuse detected; the session has been revoked" };
        };
        if (consumed.outcome === "reused") return revokeReused(consumed.token.family_id, consumed.token.user_id);
        if ((consumed.outcome !== "rotated" && consumed.outcome !== "replayed") || consumed.token.user_id !== claims.userId) {
          return { ok: false as const, reason: INVALID_REFRESH };
        }
        const familyId = consumed.token.family_id;
        const user = await scope.users.findById(claims.userId);
        if (!user || !user.is_active) {
          await scope.refreshTokens.revokeFamily(familyId, now);
          return { ok: false as const, reason: "Inactive or unknown user" };
        }
        if (consumed.outcome === "replayed") {
          // The same pair again; a successor that does not open (another secret) counts as reuse.
          const sealed = parseSealedPair(await tokens().open(consumed.successor, refreshToken));
          if (sealed === null) return revokeReused(familyId, consumed.token.user_id);
          const pair: TokenPair = {
            access_token: sealed.access_token,
            refresh_token: sealed.refresh_token,
            token_type: "bearer",
            expires_in: Math.max(0, Math.floor((sealed.access_expires_at - now.getTime()) / 1000)),
          };
          return { ok: true as const, pair };
        }
        const { pair, refreshTokenHash } = await issue(scope, { tenantId: claims.tenantId, userId: claims.userId, sessionId: familyId });
        if (ctx.refreshReuseGraceSeconds > 0) {
          const answer: SealedPair = { access_token: pair.access_token, refresh_token: pair.refresh_token, access_expires_at: now.getTime() + pair.expires_in * 1000 };
          await scope.refreshTokens.recordSuccessor(consumed.token.id, {
            token_hash: refreshTokenHash,
            sealed: await tokens().seal(JSON.stringify(answer), refreshToken),
          });
        }
        return { ok: true as const, pair };
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
