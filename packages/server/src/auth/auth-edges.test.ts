/**
 * The edges of authentication that the HTTP suites do not reach: the bounds of a stored scrypt
 * hash, the verified-token cache at expiry and at its size limit, tokens signed with our key but
 * wrong claims, Authorization headers that are not one bearer token, and the tenant check.
 */
import { SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bearerToken, isBearer, verifyAccessToken } from "./bearer.js";
import { createScryptPasswordHasher } from "./scrypt-password-hasher.js";
import { createTokenService } from "./tokens.js";

const SECRET = "auth-edges-secret-that-is-at-least-32-characters";
const service = () => createTokenService({ secret: SECRET, accessTokenMinutes: 1, refreshTokenDays: 1 });
const claims = { userId: 7, tenantId: "default", sessionId: "family-1" };

afterEach(() => {
  vi.useRealTimers();
});

describe("scrypt hashes", () => {
  const hasher = createScryptPasswordHasher({ logN: 10 });

  it("refuses a cost scrypt cannot run (the error of node:crypto reaches the caller)", async () => {
    await expect(createScryptPasswordHasher({ logN: 0 }).hash("pw-123456")).rejects.toThrow(/N|scrypt|param/i);
  });

  it.each([
    ["r below 1", (h: string[]) => (h[2] = "0")],
    ["r above 32", (h: string[]) => (h[2] = "33")],
    ["r not a whole number", (h: string[]) => (h[2] = "1.5")],
    ["p below 1", (h: string[]) => (h[3] = "0")],
    ["p above 16", (h: string[]) => (h[3] = "17")],
    ["p not a whole number", (h: string[]) => (h[3] = "x")],
    ["N not a power of two", (h: string[]) => (h[1] = "1000")],
    ["N below 2", (h: string[]) => (h[1] = "1")],
    ["a hash shorter than 16 bytes", (h: string[]) => (h[5] = Buffer.alloc(15).toString("base64url"))],
  ])("refuses a stored hash with %s, without running scrypt on it", async (_name, tamper) => {
    const parts = (await hasher.hash("correct horse")).split("$");
    tamper(parts);
    expect(await hasher.verify("correct horse", parts.join("$"))).toBe(false);
  });
});

describe("access and refresh tokens", () => {
  it("a token verified once stops verifying at its expiry (the cache re-checks exp)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-06-01T10:00:00Z"));
    const tokens = service();
    const { token } = await tokens.sign("access", claims);
    expect(await tokens.verify(token, "access")).toMatchObject({ userId: 7, tenantId: "default", sessionId: "family-1", type: "access" });
    vi.setSystemTime(new Date("2026-06-01T10:00:59Z"));
    expect(await tokens.verify(token, "access")).toMatchObject({ userId: 7 });
    vi.setSystemTime(new Date("2026-06-01T10:01:00Z"));
    expect(await tokens.verify(token, "access")).toBeNull();
    // …and stays refused once out of the cache.
    expect(await tokens.verify(token, "access")).toBeNull();
  });

  it("keeps verifying correctly past the cache's 10,000 entries", async () => {
    const tokens = service();
    const signed = await Promise.all(Array.from({ length: 10_001 }, (_, i) => tokens.sign("access", { ...claims, userId: i + 1 })));
    for (const [i, { token }] of signed.entries()) expect((await tokens.verify(token, "access"))?.userId).toBe(i + 1);
    // The first entry was evicted: it is verified again, with the same answer.
    expect((await tokens.verify(signed[0]!.token, "access"))?.userId).toBe(1);
    expect(await tokens.verify(signed[0]!.token, "refresh")).toBeNull();
  });

  const forge = (payload: Record<string, unknown>, typ = "at+jwt") =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: "HS256", typ })
      .setIssuer("epca")
      .setAudience("epca-api")
      .setJti("forged")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(SECRET));

  it.each([
    ["a subject that is not a user id", { type: "access", tenant_id: "default", sid: "f", sub: "admin" }],
    ["a subject of 0", { type: "access", tenant_id: "default", sid: "f", sub: "0" }],
    ["a negative subject", { type: "access", tenant_id: "default", sid: "f", sub: "-3" }],
    ["no tenant", { type: "access", sid: "f", sub: "7" }],
    ["no session", { type: "access", tenant_id: "default", sub: "7" }],
    ["a type claim that disagrees with the header", { type: "refresh", tenant_id: "default", sid: "f", sub: "7" }],
  ])("refuses a token signed with our key but with %s", async (_name, payload) => {
    const { sub, ...rest } = payload as Record<string, unknown> & { sub: string };
    const token = await new SignJWT(rest)
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
      .setSubject(sub)
      .setIssuer("epca")
      .setAudience("epca-api")
      .setJti("forged")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(SECRET));
    expect(await service().verify(token, "access")).toBeNull();
  });

  it("refuses what is not a JWT at all, and a token of our kind without a subject", async () => {
    const tokens = service();
    expect(await tokens.verify("not-a-jwt", "access")).toBeNull();
    expect(await tokens.verify("", "access")).toBeNull();
    expect(await tokens.verify(await forge({ type: "access", tenant_id: "default", sid: "f" }), "access")).toBeNull();
  });
});

describe("bearer headers", () => {
  it.each([
    [undefined, null],
    ["", null],
    ["Bearer", null],
    ["Bearer ", null],
    ["Bearer a b", null],
    ["Basic dXNlcjpwYXNz", null],
    ["Bearer abc.def.ghi", "abc.def.ghi"],
    ["bearer   abc.def.ghi  ", "abc.def.ghi"],
  ])("bearerToken(%j) is %j", (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([
    [undefined, false],
    ["Basic x", false],
    ["Bearer", true],
    ["bearer x", true],
    ["Bearerx", false],
  ])("isBearer(%j) is %j", (header, bearer) => {
    expect(isBearer(header)).toBe(bearer);
  });

  it("accepts another tenant's token only in multi-tenant mode", async () => {
    const tokens = service();
    const { token } = await tokens.sign("access", { ...claims, tenantId: "acme" });
    await expect(verifyAccessToken(`Bearer ${token}`, tokens, false)).rejects.toMatchObject({ code: "unauthenticated", message: "Could not validate credentials" });
    await expect(verifyAccessToken(`Bearer ${token}`, tokens, true)).resolves.toEqual({ tenantId: "acme", userId: 7, sessionId: "family-1" });
    await expect(verifyAccessToken(undefined, tokens, true)).rejects.toMatchObject({ code: "unauthenticated", message: "Not authenticated" });
    const refresh = await tokens.sign("refresh", claims);
    await expect(verifyAccessToken(`Bearer ${refresh.token}`, tokens, true)).rejects.toMatchObject({ message: "Could not validate credentials" });
  });
});
