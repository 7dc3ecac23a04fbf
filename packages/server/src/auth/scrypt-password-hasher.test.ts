import { describe, expect, it } from "vitest";
import { createScryptPasswordHasher } from "./scrypt-password-hasher.js";

describe("createScryptPasswordHasher", () => {
  it("uses OWASP's parameters by default in a self-describing format", async () => {
    const hash = await createScryptPasswordHasher().hash("correct horse");
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[\w-]+\$[\w-]+$/);
  });

  it("verifies the right password only, and refuses tampered hashes", async () => {
    const hasher = createScryptPasswordHasher({ logN: 10 });
    const hash = await hasher.hash("correct horse");
    expect(await hasher.verify("correct horse", hash)).toBe(true);
    expect(await hasher.verify("wrong horse", hash)).toBe(false);
    expect(await hasher.hash("correct horse")).not.toBe(hash);
    expect(await hasher.verify("correct horse", hash.replace("$1024$", "$2048$"))).toBe(false);
    expect(await hasher.verify("correct horse", "scrypt$1073741824$8$1$abc$def")).toBe(false);
    expect(await hasher.verify("correct horse", "bcrypt$whatever")).toBe(false);
  });

  it("verifies hashes made with other parameters (cost can be raised later)", async () => {
    const cheap = await createScryptPasswordHasher({ logN: 10 }).hash("pw-123456");
    expect(await createScryptPasswordHasher({ logN: 11 }).verify("pw-123456", cheap)).toBe(true);
  });
});
