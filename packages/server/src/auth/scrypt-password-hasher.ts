import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";
import type { PasswordHasher } from "@epca/core";

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** scrypt cost parameters; the defaults are OWASP's (N = 2^17, r = 8, p = 1). */
export interface ScryptParameters {
  /** log2 of the CPU/memory cost N. */
  readonly logN?: number;
  readonly r?: number;
  readonly p?: number;
}

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/**
 * A `PasswordHasher` on node:crypto scrypt. Hashes are self-describing,
 * `scrypt$N$r$p$salt$hash` (salt and hash base64url), so that raising the cost later still
 * verifies old hashes. Verification compares in constant time.
 *
 * @example const hasher = createScryptPasswordHasher(); await hasher.hash("s3cret-pass");
 */
export function createScryptPasswordHasher(parameters: ScryptParameters = {}): PasswordHasher {
  const N = 2 ** (parameters.logN ?? 17);
  const r = parameters.r ?? 8;
  const p = parameters.p ?? 1;
  // scrypt needs 128 · N · r bytes; node's default maxmem (32 MiB) is below OWASP's 128 MiB.
  const maxmemFor = (n: number, rr: number) => 128 * n * rr + 16 * 1024 * 1024;

  return {
    async hash(password) {
      const salt = randomBytes(SALT_LENGTH);
      const key = await scrypt(password, salt, KEY_LENGTH, { N, r, p, maxmem: maxmemFor(N, r) });
      return ["scrypt", N, r, p, salt.toString("base64url"), key.toString("base64url")].join("$");
    },
    async verify(password, stored) {
      const parts = stored.split("$");
      if (parts.length !== 6 || parts[0] !== "scrypt") return false;
      const [, nText, rText, pText, saltText, hashText] = parts as [string, string, string, string, string, string];
      const n = Number(nText);
      const rr = Number(rText);
      const pp = Number(pText);
      // Bounds keep a tampered hash from making verification allocate gigabytes.
      if (!Number.isInteger(n) || n < 2 || n > 2 ** 20 || (n & (n - 1)) !== 0) return false;
      if (!Number.isInteger(rr) || rr < 1 || rr > 32 || !Number.isInteger(pp) || pp < 1 || pp > 16) return false;
      const expected = Buffer.from(hashText, "base64url");
      if (expected.length < 16) return false;
      const actual = await scrypt(password, Buffer.from(saltText, "base64url"), expected.length, {
        N: n,
        r: rr,
        p: pp,
        maxmem: maxmemFor(n, rr),
      });
      return timingSafeEqual(actual, expected);
    },
  };
}
