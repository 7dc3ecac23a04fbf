/**
 * Failures that are not about the credentials must surface as failures, never as "wrong password"
 * or "invalid token": a scrypt error rejects hash and verify; an error of the JWT library other
 * than its verdict on the token (a JOSE error, or the TypeError of a malformed input) is rethrown.
 */
import { describe, expect, it, vi } from "vitest";

const failures = vi.hoisted(() => ({ scrypt: null as Error | null, jwt: null as Error | null }));

vi.mock("node:crypto", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:crypto")>();
  return {
    ...original,
    scrypt: (...args: unknown[]) => {
      const callback = args.at(-1) as (error: Error | null, key?: Buffer) => void;
      if (failures.scrypt) return callback(failures.scrypt);
      return (original.scrypt as (...a: unknown[]) => void)(...args);
    },
  };
});

vi.mock("jose", async (importOriginal) => {
  const original = await importOriginal<typeof import("jose")>();
  return {
    ...original,
    jwtVerify: (...args: Parameters<typeof original.jwtVerify>) => (failures.jwt ? Promise.reject(failures.jwt) : original.jwtVerify(...args)),
  };
});

const { createScryptPasswordHasher } = await import("./scrypt-password-hasher.js");
const { createTokenService } = await import("./tokens.js");

describe("failures that are not a verdict on the credentials", () => {
  it("a scrypt error rejects hash and verify with that error", async () => {
    const hasher = createScryptPasswordHasher({ logN: 10 });
    const stored = await hasher.hash("correct horse");
    failures.scrypt = new Error("out of memory");
    try {
      await expect(hasher.hash("correct horse")).rejects.toThrow("out of memory");
      await expect(hasher.verify("correct horse", stored)).rejects.toThrow("out of memory");
    } finally {
      failures.scrypt = null;
    }
    expect(await hasher.verify("correct horse", stored)).toBe(true);
  });

  it("the JWT library's TypeError means an invalid token; any other error is rethrown", async () => {
    const tokens = createTokenService({ secret: "auth-failures-secret-of-at-least-32-characters", accessTokenMinutes: 5, refreshTokenDays: 1 });
    const { token } = await tokens.sign("access", { userId: 3, tenantId: "default", sessionId: "s" });
    try {
      failures.jwt = new TypeError("Invalid key input");
      expect(await tokens.verify(token, "access")).toBeNull();
      failures.jwt = new RangeError("stack exhausted");
      await expect(tokens.verify(token, "access")).rejects.toThrow("stack exhausted");
    } finally {
      failures.jwt = null;
    }
    expect(await tokens.verify(token, "access")).toMatchObject({ userId: 3 });
  });
});
