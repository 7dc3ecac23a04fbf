import { randomUUID } from "node:crypto";
import { UnauthenticatedError } from "@epca/core";
import { hashRefreshToken } from "./tokens.js";
import type { ApiServices } from "../http/services.js";

/** The body of a successful login or refresh. */
export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: "bearer";
  expires_in: number;
}

/** Signs an access token and a refresh token of `sessionId`'s family (CPU only: nothing is stored). */
async function signPair(services: ApiServices, tenantId: string, userId: number, sessionId: string) {
  const claims = { userId, tenantId, sessionId };
  const access = await services.tokens.sign("access", claims);
  const refresh = await services.tokens.sign("refresh", claims);
  const pair: TokenPair = { access_token: access.token, refresh_token: refresh.token, token_type: "bearer", expires_in: services.tokens.accessTtlSeconds };
  return { pair, refreshHash: hashRefreshToken(refresh.token), refreshExpiresAt: refresh.expiresAt.toISOString() };
}

/** Starts a session (a new refresh-token family) for a user who just proved their password. */
export async function startSession(services: ApiServices, tenantId: string, userId: number): Promise<TokenPair> {
  const familyId = randomUUID();
  const signed = await signPair(services, tenantId, userId, familyId);
  await services.store.transaction(tenantId, (scope) =>
    scope.refreshTokens.insert({ family_id: familyId, token_hash: signed.refreshHash, user_id: userId, expires_at: signed.refreshExpiresAt }),
  );
  return signed.pair;
}

const INVALID = "Invalid or expired refresh token";

/**
 * Rotates a refresh token: the presented one stops working and a new pair of the same family is
 * issued. A token presented a second time revokes its whole family (reuse detection); so does a
 * refresh by a user who is no longer active.
 */
export async function rotateSession(services: ApiServices, refreshToken: string, checkTenant: (tenantId: string) => Promise<void>): Promise<TokenPair> {
  const claims = await services.tokens.verify(refreshToken, "refresh");
  if (claims === null) throw new UnauthenticatedError(INVALID);
  await checkTenant(claims.tenantId);
  const now = new Date();
  // One transaction: consuming the presented token, checking the user and storing the new token
  // commit together. A concurrent refresh with the same token then either waits for this one and
  // sees the new token (its reuse detection revokes it with the family), or wins and this one does.
  // Failures return instead of throwing so that the revocations they made commit.
  const outcome = await services.store.transaction(claims.tenantId, async (scope) => {
    const consumed = await scope.refreshTokens.consume(hashRefreshToken(refreshToken), now);
    if (consumed.outcome === "reused") {
      await scope.refreshTokens.revokeFamily(consumed.token.family_id, now);
      return { ok: false as const, reason: "Refresh token reuse detected; the session has been revoked" };
    }
    if (consumed.outcome !== "rotated") return { ok: false as const, reason: INVALID };
    const familyId = consumed.token.family_id;
    if (consumed.token.user_id !== claims.userId) return { ok: false as const, reason: INVALID };
    const user = await scope.users.findById(claims.userId);
    if (!user || !user.is_active) {
      await scope.refreshTokens.revokeFamily(familyId, now);
      return { ok: false as const, reason: "Inactive or unknown user" };
    }
    const signed = await signPair(services, claims.tenantId, claims.userId, familyId);
    await scope.refreshTokens.insert({ family_id: familyId, token_hash: signed.refreshHash, user_id: claims.userId, expires_at: signed.refreshExpiresAt });
    return { ok: true as const, pair: signed.pair };
  });
  if (!outcome.ok) throw new UnauthenticatedError(outcome.reason);
  return outcome.pair;
}

/** Ends a session: every refresh token of the family stops working. */
export async function endSession(services: ApiServices, tenantId: string, familyId: string): Promise<void> {
  await services.store.transaction(tenantId, (scope) => scope.refreshTokens.revokeFamily(familyId, new Date()));
}
