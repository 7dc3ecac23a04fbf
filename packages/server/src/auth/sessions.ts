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

/** Signs an access token and a refresh token of `sessionId`'s family and stores the refresh token's hash. */
async function issuePair(services: ApiServices, tenantId: string, userId: number, sessionId: string, store: (hash: string, expiresAt: string) => Promise<unknown>): Promise<TokenPair> {
  const claims = { userId, tenantId, sessionId };
  const access = await services.tokens.sign("access", claims);
  const refresh = await services.tokens.sign("refresh", claims);
  await store(hashRefreshToken(refresh.token), refresh.expiresAt.toISOString());
  return { access_token: access.token, refresh_token: refresh.token, token_type: "bearer", expires_in: services.tokens.accessTtlSeconds };
}

/** Starts a session (a new refresh-token family) for a user who just proved their password. */
export async function startSession(services: ApiServices, tenantId: string, userId: number): Promise<TokenPair> {
  const familyId = randomUUID();
  return issuePair(services, tenantId, userId, familyId, (token_hash, expires_at) =>
    services.store.transaction(tenantId, (scope) => scope.refreshTokens.insert({ family_id: familyId, token_hash, user_id: userId, expires_at })),
  );
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
  const outcome = await services.store.transaction(claims.tenantId, async (scope) => {
    const consumed = await scope.refreshTokens.consume(hashRefreshToken(refreshToken), now);
    if (consumed.outcome === "reused") {
      // Committed on purpose before answering 401: the revocation must outlive the request.
      await scope.refreshTokens.revokeFamily(consumed.token.family_id, now);
      return { ok: false as const, reason: "Refresh token reuse detected; the session has been revoked" };
    }
    if (consumed.outcome !== "rotated") return { ok: false as const, reason: INVALID };
    if (consumed.token.user_id !== claims.userId) return { ok: false as const, reason: INVALID };
    return { ok: true as const, familyId: consumed.token.family_id };
  });
  if (!outcome.ok) throw new UnauthenticatedError(outcome.reason);
  const actor = await services.epca.users.actorFor(claims.tenantId, claims.userId);
  if (actor === null) {
    await services.store.transaction(claims.tenantId, (scope) => scope.refreshTokens.revokeFamily(outcome.familyId, now));
    throw new UnauthenticatedError("Inactive or unknown user");
  }
  return issuePair(services, claims.tenantId, claims.userId, outcome.familyId, (token_hash, expires_at) =>
    services.store.transaction(claims.tenantId, (scope) =>
      scope.refreshTokens.insert({ family_id: outcome.familyId, token_hash, user_id: claims.userId, expires_at }),
    ),
  );
}

/** Ends a session: every refresh token of the family stops working. */
export async function endSession(services: ApiServices, tenantId: string, familyId: string): Promise<void> {
  await services.store.transaction(tenantId, (scope) => scope.refreshTokens.revokeFamily(familyId, new Date()));
}
