import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A README example written out as a module inside its package folder, and how to remove it. */
export interface ReadmeExampleFile {
  readonly path: string;
  remove(): void;
}

/**
 * Writes the first ```ts block under `heading` of a package's README into `runIn` (by default the
 * package folder; any folder whose package.json lists what the block imports), so that its imports
 * resolve to the built packages, as for a user who pasted it.
 */
export function writeReadmeExample(packageDir: string, heading = "## Example", runIn = packageDir): ReadmeExampleFile {
  const readme = readFileSync(join(packageDir, "README.md"), "utf8");
  const start = readme.indexOf(heading);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(Math.max(start, 0)));
  if (start < 0 || !match?.[1]) throw new Error(`${packageDir}/README.md has no \`\`\`ts block under "${heading}"`);
  const path = join(runIn, `.readme-example-${process.pid}-${Date.now()}.mts`);
  writeFileSync(path, match[1]);
  return { path, remove: () => rmSync(path, { force: true }) };
}

/** Runs a README example to its end with tsx (in `runIn`, see `writeReadmeExample`) and answers what it printed. */
export function runReadmeExample(
  packageDir: string,
  heading = "## Example",
  env: NodeJS.ProcessEnv = {},
  runIn = packageDir,
): string {
  const example = writeReadmeExample(packageDir, heading, runIn);
  try {
    return execFileSync(process.execPath, ["--import", "tsx", example.path], {
      cwd: runIn,
      encoding: "utf8",
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
  } finally {
    example.remove();
  }
}
