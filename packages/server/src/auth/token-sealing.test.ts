import { describe, expect, it } from "vitest";
import { createSessionTokens, createTokenService } from "./tokens.js";

const options = { accessTokenMinutes: 15, refreshTokenDays: 7 };
const secret = "a-secret-key-that-is-at-least-32-characters";

describe("sealing a rotation's answer for the refresh grace window", () => {
  const tokens = createTokenService({ secret, ...options });

  it("opens only with the same presented token and the same secret, and hides the plaintext", async () => {
    const sealed = tokens.seal('{"refresh_token":"next"}', "presented-token");
    expect(sealed).not.toContain("next");
    expect(Buffer.from(sealed, "base64url").toString("utf8")).not.toContain("next");
    expect(tokens.open(sealed, "presented-token")).toBe('{"refresh_token":"next"}');
    expect(tokens.open(sealed, "another-token")).toBeNull();
    expect(createTokenService({ secret: `${secret}-rotated`, ...options }).open(sealed, "presented-token")).toBeNull();
    // Two seals of one answer differ (a fresh IV each time).
    expect(tokens.seal("same", "t")).not.toBe(tokens.seal("same", "t"));
  });

  it("refuses a tampered or truncated seal", () => {
    const bytes = Buffer.from(tokens.seal("answer", "t"), "base64url");
    bytes[bytes.length - 20]! ^= 1;
    expect(tokens.open(bytes.toString("base64url"), "t")).toBeNull();
    expect(tokens.open("c2hvcnQ", "t")).toBeNull();
    expect(tokens.open("", "t")).toBeNull();
  });

  it("is what core's SessionTokenService seals with", async () => {
    const session = createSessionTokens(tokens);
    expect(await session.open(await session.seal("answer", "t"), "t")).toBe("answer");
    expect(await session.open(await session.seal("answer", "t"), "u")).toBeNull();
  });
});
