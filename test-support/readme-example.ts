import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Runs the first ```ts block under `heading` in a package's README, as a user would paste it: a
 * module inside the package folder (so its imports resolve to the built packages), run by tsx.
 * Answers what it printed.
 */
export function runReadmeExample(packageDir: string, heading = "## Example", env: NodeJS.ProcessEnv = {}): string {
  const readme = readFileSync(join(packageDir, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf(heading));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (readme.indexOf(heading) < 0 || !match?.[1]) throw new Error(`${packageDir}/README.md has no \`\`\`ts block under "${heading}"`);
  const file = join(packageDir, `.readme-example-${process.pid}-${Date.now()}.mts`);
  writeFileSync(file, match[1]);
  try {
    return execFileSync(process.execPath, ["--import", "tsx", file], {
      cwd: packageDir,
      encoding: "utf8",
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
  } finally {
    rmSync(file, { force: true });
  }
}
