/** What a session token says: whose it is, for which tenant, and which session (refresh-token family). */
export interface SessionClaims {
  readonly tenantId: string;
  readonly userId: number;
  /** The refresh-token family of the login the token belongs to. */
  readonly sessionId: string;
}

/** A freshly signed pair, with what the store keeps of the refresh token. */
export interface SignedSession {
  readonly accessToken: string;
  /** Seconds the access token is valid. */
  readonly accessExpiresIn: number;
  readonly refreshToken: string;
  /** The refresh token's hash: all that is stored of it. */
  readonly refreshTokenHash: string;
  readonly refreshExpiresAt: Date;
}

/**
 * Signs and verifies session tokens (JWTs in the reference server), supplied by the host: core
 * does no cryptography. `verifyRefresh` MUST refuse an access token, and MUST check signature,
 * expiry and every claim it relies on.
 */
export interface SessionTokenService {
  /** Signs an access token and a refresh token for `claims`. */
  issue(claims: SessionClaims): Promise<SignedSession>;
  /** The claims of a valid refresh token, or `null`. */
  verifyRefresh(token: string): Promise<SessionClaims | null>;
  /** The stored form of a refresh token (a hash; equal tokens give equal hashes). */
  hashRefreshToken(token: string): string;
  /**
   * Seals `plaintext` (the answer to a rotation) so that only a caller presenting `presentedToken`
   * again can open it: the key MUST be derived from the presented token (never stored; only its
   * hash is) and SHOULD also need the host's secret, so that the stored form alone recovers nothing.
   */
  seal(plaintext: string, presentedToken: string): Promise<string>;
  /** The plaintext `seal` sealed with the same token, or `null` (another token, tampered, another secret). */
  open(sealed: string, presentedToken: string): Promise<string | null>;
}
