import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomUUID } from "node:crypto";
import type { SessionTokenService } from "@epca/core";
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";

/** `typ` header values: an access token can never pass as a refresh token, nor the reverse. */
const HEADER_TYP = { access: "at+jwt", refresh: "rt+jwt" } as const;
const ISSUER = "epca";
const AUDIENCE = "epca-api";
const ALGORITHM = "HS256";

/** The two kinds of token the API issues. */
export type TokenType = keyof typeof HEADER_TYP;

/** The claims of a verified token. */
export interface TokenClaims {
  readonly userId: number;
  readonly tenantId: string;
  readonly type: TokenType;
  readonly jti: string;
  /** The refresh-token family (one per login); logout revokes it. */
  readonly sessionId: string;
  readonly expiresAt: number;
}

/** A freshly signed token and when it expires. */
export interface SignedToken {
  readonly token: string;
  readonly expiresAt: Date;
  readonly jti: string;
}

/** Signs and verifies the API's JWTs (HS256, algorithm pinned on verify). */
export interface TokenService {
  sign(type: TokenType, claims: { userId: number; tenantId: string; sessionId: string }, now?: Date): Promise<SignedToken>;
  /** The claims, or `null` for any token that is not a valid, unexpired token of `type`. */
  verify(token: string, type: TokenType): Promise<TokenClaims | null>;
  /** Access-token lifetime in seconds (`expires_in`). */
  readonly accessTtlSeconds: number;
  readonly refreshTtlSeconds: number;
  /**
   * AES-256-GCM over `plaintext` with a key derived (HKDF-SHA-256) from `withToken` and the secret:
   * opening needs both. `base64url(iv ‖ ciphertext ‖ tag)`.
   */
  seal(plaintext: string, withToken: string): string;
  /** What `seal` sealed with the same token and secret, or `null`. */
  open(sealed: string, withToken: string): string | null;
}

/** SHA-256 of a refresh token: only this is stored. */
export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Creates the token service for a secret and lifetimes. */
export function createTokenService(options: {
  secret: string;
  accessTokenMinutes: number;
  refreshTokenDays: number;
}): TokenService {
  const key = new TextEncoder().encode(options.secret);
  // Verified tokens, by type and token string: a token's claims never change, so a repeat
  // presentation needs only the expiry re-checked. Bounded; the oldest entries go first.
  const verified = new Map<string, TokenClaims>();
  const CACHE_LIMIT = 10_000;
  const accessTtlSeconds = options.accessTokenMinutes * 60;
  const refreshTtlSeconds = options.refreshTokenDays * 24 * 60 * 60;

  const sealKey = (withToken: string) =>
    Buffer.from(hkdfSync("sha256", withToken, options.secret, "epca refresh-token successor v1", 32));

  return {
    accessTtlSeconds,
    refreshTtlSeconds,
    seal(plaintext, withToken) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", sealKey(withToken), iv);
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
    },
    open(sealed, withToken) {
      const bytes = Buffer.from(sealed, "base64url");
      if (bytes.length < 12 + 16) return null;
      try {
        const decipher = createDecipheriv("aes-256-gcm", sealKey(withToken), bytes.subarray(0, 12));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString("utf8");
      } catch {
        return null;
      }
    },
    async sign(type, claims, now = new Date()) {
      const iat = Math.floor(now.getTime() / 1000);
      const exp = iat + (type === "access" ? accessTtlSeconds : refreshTtlSeconds);
      const jti = randomUUID();
      const token = await new SignJWT({ type, tenant_id: claims.tenantId, sid: claims.sessionId })
        .setProtectedHeader({ alg: ALGORITHM, typ: HEADER_TYP[type] })
        .setSubject(String(claims.userId))
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setJti(jti)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(key);
      return { token, expiresAt: new Date(exp * 1000), jti };
    },
    async verify(token, type) {
      const cacheKey = `${type}:${token}`;
      const cached = verified.get(cacheKey);
      if (cached) {
        if (cached.expiresAt > Date.now() / 1000) return cached;
        verified.delete(cacheKey);
        return null;
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          audience: AUDIENCE,
          typ: HEADER_TYP[type],
          requiredClaims: ["sub", "exp", "iat", "jti"],
        });
        if (payload.type !== type) return null;
        const userId = Number(payload.sub);
        if (!Number.isSafeInteger(userId) || userId <= 0) return null;
        if (typeof payload.tenant_id !== "string" || typeof payload.sid !== "string") return null;
        const claims: TokenClaims = {
          userId,
          tenantId: payload.tenant_id,
          type,
          jti: String(payload.jti),
          sessionId: payload.sid,
          expiresAt: payload.exp as number,
        };
        if (verified.size >= CACHE_LIMIT) verified.delete(verified.keys().next().value!);
        verified.set(cacheKey, claims);
        return claims;
      } catch (error) {
        if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return null;
        throw error;
      }
    },
  };
}

/** Core's `SessionTokenService` over the API's JWTs: what `createEpca` signs sessions with. */
export function createSessionTokens(tokens: TokenService): SessionTokenService {
  return {
    async issue(claims) {
      const access = await tokens.sign("access", claims);
      const refresh = await tokens.sign("refresh", claims);
      return {
        accessToken: access.token,
        accessExpiresIn: tokens.accessTtlSeconds,
        refreshToken: refresh.token,
        refreshTokenHash: hashRefreshToken(refresh.token),
        refreshExpiresAt: refresh.expiresAt,
      };
    },
    async verifyRefresh(token) {
      const claims = await tokens.verify(token, "refresh");
      return claims && { tenantId: claims.tenantId, userId: claims.userId, sessionId: claims.sessionId };
    },
    hashRefreshToken,
    seal: async (plaintext, presentedToken) => tokens.seal(plaintext, presentedToken),
    open: async (sealed, presentedToken) => tokens.open(sealed, presentedToken),
  };
}
