import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Builds `dist` when it is missing or older than a source file, so that the tests of the built
 * package test the current code. Called once, from the one test file that uses `dist`.
 */
export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(join(packageDir, "dist", "index.js")).mtimeMs;
  } catch {
    built = 0;
  }
  if (built >= newest(join(packageDir, "src"))) return;
  const tsupCli = join(dirname(createRequire(import.meta.url).resolve("tsup")), "cli-default.js");
  execFileSync(process.execPath, [tsupCli], { cwd: packageDir, stdio: "pipe", timeout: 120_000 });
}
