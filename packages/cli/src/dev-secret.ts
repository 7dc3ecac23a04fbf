import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The file in `EPCA_DATA_DIR` that keeps the development `SECRET_KEY` of the embedded store. */
export const DEV_SECRET_FILE = "secret-key";

/** What `developmentSecret` did: the key, and whether this call created the file. */
export interface DevelopmentSecret {
  readonly secret: string;
  readonly file: string;
  readonly created: boolean;
}

/**
 * The development `SECRET_KEY` of a data directory: read from `<dataDir>/secret-key`, or generated
 * once (48 random bytes, base64url) and written there with mode 0600, so that tokens survive a
 * restart of `epca serve` on the same directory. Never used in production (which requires
 * `SECRET_KEY`) nor for the memory store (whose data, and tokens, die with the process).
 *
 * Two processes starting at once agree on one key: the file is created exclusively (`wx`), and
 * the loser reads the winner's.
 */
export function developmentSecret(dataDir: string): DevelopmentSecret {
  const file = join(dataDir, DEV_SECRET_FILE);
  const existing = readSecret(file);
  if (existing !== undefined) return { secret: existing, file, created: false };
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  try {
    writeFileSync(file, `${secret}\n`, { flag: "wx", mode: 0o600 });
    // The mode above is subject to the umask; 0600 is what is meant whatever the umask.
    chmodSync(file, 0o600);
    return { secret, file, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const raced = readSecret(file);
    if (raced === undefined) throw new Error(`${file} is empty: delete it to have a new development key generated`);
    return { secret: raced, file, created: false };
  }
}

function readSecret(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const secret = text.trim();
  return secret === "" ? undefined : secret;
}
