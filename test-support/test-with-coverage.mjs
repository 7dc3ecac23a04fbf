#!/usr/bin/env node
/**
 * `pnpm test`'s coverage: `vitest run --coverage` (v8, in the test processes), plus the coverage
 * of the processes the tests start (the `epca` CLI and the servers it runs), which vitest 3 does
 * not collect. Those processes get `NODE_V8_COVERAGE` (through `cleanEnv`, from
 * `EPCA_PROCESS_COVERAGE_DIR`); their V8 data for `packages/<pkg>/dist/*.js` is mapped back to
 * `packages/<pkg>/src/*.ts` through the builds' source maps (v8-to-istanbul) and merged with
 * vitest's. Prints lines and branches per package and exits non-zero when a package is under
 * MINIMUM_PERCENT of either, or when vitest failed (a test, or a CRITICAL_FILES threshold of
 * vitest.config.ts).
 *
 * Usage: node test-support/test-with-coverage.mjs [vitest arguments…] (with arguments, the
 * minimums are printed but not held: a partial run measures only its tests)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import libCoverage from "istanbul-lib-coverage";
import v8toIstanbul from "v8-to-istanbul";

const MINIMUM_PERCENT = 90;
/**
 * Packages under the target on the day this check came in, held at that day's figure (rounded
 * down) so that they cannot drop further while tests are added; raise one to 90%, then delete its
 * entry. Measured with `pnpm test` on 2026-12-01 (adapter-postgres reached 92.6% and left the list;
 * cli, ml and reports left it the same day, with tests of their edge cases and dead branches
 * deleted). Empty: every package measured in Node is held at MINIMUM_PERCENT.
 */
const BELOW_TARGET = {};
/**
 * Packages whose code runs in a browser, not in the test processes: V8 coverage here cannot see
 * it (its end-to-end tests drive it in Chromium). Printed, not held to the minimum.
 */
const IN_BROWSER = { web: "runs in Chromium (packages/web/test/*.e2e.test.ts); not measured by V8 in Node" };
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const reports = join(root, "coverage");
const processes = join(reports, "processes");
rmSync(reports, { recursive: true, force: true });
mkdirSync(processes, { recursive: true });

const started = Date.now();
const vitest = createRequire(join(root, "package.json")).resolve("vitest/vitest.mjs");
const run = spawnSync(process.execPath, [vitest, "run", "--coverage", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, EPCA_PROCESS_COVERAGE_DIR: processes },
});
const seconds = ((Date.now() - started) / 1000).toFixed(0);

/** A source file coverage counts: packages/<pkg>/src/**.ts, not tests nor test kits. */
const counted = (file) => {
  const rel = relative(root, file).split(sep).join("/");
  return /^packages\/[^/]+\/src\/.+\.ts$/.test(rel) && !/\.test\.ts$|\.d\.ts$|\/src\/testing\//.test(rel);
};

const map = libCoverage.createCoverageMap({});
try {
  map.merge(JSON.parse(readFileSync(join(reports, "coverage-final.json"), "utf8")));
} catch (error) {
  console.error(`coverage: no vitest coverage (${error.message})`);
}

// The processes' V8 data, by dist file, then mapped to the sources.
const built = new RegExp(`^${escape(pathToFileURL(join(root, "packages")).href)}/[^/]+/dist/[^/]+\\.(c?js)$`);
let processFiles = 0;
// vitest clears coverage/ as it starts: the directory exists again only if a process wrote to it.
for (const name of (existsSync(processes) ? readdirSync(processes) : []).filter((n) => n.endsWith(".json"))) {
  let data;
  try {
    data = JSON.parse(readFileSync(join(processes, name), "utf8"));
  } catch {
    continue; // a process killed while writing
  }
  processFiles++;
  for (const script of data.result ?? []) {
    if (!built.test(script.url)) continue;
    const converter = v8toIstanbul(fileURLToPath(script.url), 0);
    await converter.load();
    converter.applyCoverage(script.functions);
    const istanbul = converter.toIstanbul();
    converter.destroy();
    for (const [file, coverage] of Object.entries(istanbul)) if (counted(file)) mergeFile(file, coverage);
  }
}

/**
 * vitest counts a file no test imported with its own statement map; the process's map of the same
 * file differs in detail, so a file vitest saw no hit in takes the process's data instead of the
 * union of two maps (which would count each statement twice).
 */
function mergeFile(file, coverage) {
  if (map.files().includes(file)) {
    const mine = map.fileCoverageFor(file);
    if (Object.values(mine.s).every((hits) => hits === 0)) {
      map.data[file] = libCoverage.createFileCoverage(coverage);
      return;
    }
  }
  map.merge({ [file]: coverage });
}

writeFileSync(join(reports, "coverage-merged.json"), JSON.stringify(map.toJSON()));

// Per package.
const packages = new Map();
for (const file of map.files()) {
  if (!counted(file)) continue;
  const name = relative(root, file).split(sep)[1];
  const summary = packages.get(name) ?? libCoverage.createCoverageSummary();
  summary.merge(map.fileCoverageFor(file).toSummary());
  packages.set(name, summary);
}
const rows = [...packages.entries()].sort(([a], [b]) => a.localeCompare(b));
const pct = (part) => (part.total === 0 ? 100 : Math.floor((part.covered / part.total) * 1000) / 10);
const failing = [];
console.log(`\nCoverage per package (vitest ${seconds} s; ${processFiles} process reports merged; minimum ${MINIMUM_PERCENT}% of lines and branches)`);
console.log("package".padEnd(20) + "lines".padStart(22) + "branches".padStart(22));
for (const [name, s] of rows) {
  const lines = s.data.lines;
  const branches = s.data.branches;
  const floor = BELOW_TARGET[name] ?? {};
  const minimum = { lines: floor.lines ?? MINIMUM_PERCENT, branches: floor.branches ?? MINIMUM_PERCENT };
  const low = !(name in IN_BROWSER) && (pct(lines) < minimum.lines || pct(branches) < minimum.branches);
  if (low) failing.push(name);
  const cell = (p) => `${pct(p).toFixed(1)}% (${p.covered}/${p.total})`.padStart(22);
  const note = low
    ? `   < minimum (${minimum.lines}% / ${minimum.branches}%)`
    : name in IN_BROWSER
      ? `   not held: ${IN_BROWSER[name]}`
      : BELOW_TARGET[name]
      ? `   under ${MINIMUM_PERCENT}%: held at ${minimum.lines}% / ${minimum.branches}% (BELOW_TARGET)`
      : "";
  console.log(name.padEnd(20) + cell(lines) + cell(branches) + note);
}
console.log(`(merged report: ${relative(root, join(reports, "coverage-merged.json"))})`);
// With vitest arguments (some tests only), the figures are printed but not held to the minimum.
const partial = process.argv.length > 2;
if (failing.length > 0) console.error(`coverage: under the minimum: ${failing.join(", ")}${partial ? " (not held: a partial run)" : ""}`);
process.exit(run.status !== 0 ? run.status ?? 1 : failing.length > 0 && !partial ? 1 : 0);

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
