import { createCipheriv, createDecipheriv, createHash, scryptSync, randomBytes, timingSafeEqual } from "node:crypto";
import { createMemoryStore } from "@epca/adapter-memory";
import {
  createEpca,
  fixedClock,
  systemActor,
  type Actor,
  type BuiltInRoleName,
  type PasswordHasher,
  type SessionClaims,
  type SessionTokenService,
} from "@epca/core";

/** Real scrypt at a low cost: core does no crypto itself, the host supplies it. */
export const testHasher: PasswordHasher = {
  async hash(password) {
    const salt = randomBytes(16);
    return `${salt.toString("hex")}:${scryptSync(password, salt, 32, { N: 1024 }).toString("hex")}`;
  },
  async verify(password, stored) {
    const [salt, digest] = stored.split(":");
    if (!salt || !digest) return false;
    const actual = scryptSync(password, Buffer.from(salt, "hex"), 32, { N: 1024 });
    return timingSafeEqual(actual, Buffer.from(digest, "hex"));
  },
};

/**
 * Session tokens as opaque random strings kept in a map: a complete `SessionTokenService` (the
 * server's signs JWTs instead), so that core's session use cases run without the server.
 */
export function opaqueSessionTokens(): SessionTokenService & { revokeAll(): void } {
  const refresh = new Map<string, SessionClaims>();
  const token = () => randomBytes(24).toString("base64url");
  return {
    async issue(claims) {
      const refreshToken = token();
      refresh.set(refreshToken, claims);
      return { accessToken: token(), accessExpiresIn: 3600, refreshToken, refreshTokenHash: createHash("sha256").update(refreshToken).digest("hex"), refreshExpiresAt: new Date(Date.parse("2024-06-22T12:00:00Z")) };
    },
    async verifyRefresh(value) {
      return refresh.get(value) ?? null;
    },
    hashRefreshToken: (value) => createHash("sha256").update(value).digest("hex"),
    // AES-256-GCM keyed by the presented token's SHA-256 (the server's also needs its secret).
    async seal(plaintext, presented) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", createHash("sha256").update(presented).digest(), iv);
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
    },
    async open(sealed, presented) {
      const bytes = Buffer.from(sealed, "base64url");
      try {
        const decipher = createDecipheriv("aes-256-gcm", createHash("sha256").update(presented).digest(), bytes.subarray(0, 12));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString("utf8");
      } catch {
        return null;
      }
    },
    revokeAll: () => refresh.clear(),
  };
}

/** A fresh organisation in memory, on 2024-06-15, with an admin actor (self-registration open). */
export function setup(options: { selfRegistration?: boolean } = {}) {
  const store = createMemoryStore();
  const clock = fixedClock("2024-06-15T12:00:00Z");
  const sessionTokens = opaqueSessionTokens();
  const epca = createEpca({ store, clock, passwordHasher: testHasher, sessionTokens, selfRegistration: options.selfRegistration ?? true });
  const admin = systemActor("default", { id: "req-1", ip: "10.0.0.1", userAgent: "vitest" });
  return { store, clock, epca, admin, sessionTokens };
}

/** An actor of a role, as the server would build it for a user. */
export function actorOf(role: BuiltInRoleName, extra: Partial<Actor> = {}): Actor {
  return { userId: 1_000, tenantId: "default", role, departmentId: null, employeeId: null, ...extra };
}
