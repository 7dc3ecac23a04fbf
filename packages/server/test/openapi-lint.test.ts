/**
 * The served OpenAPI document passes Redocly CLI (`packages/server/redocly.yaml`) and Spectral with
 * the OWASP ruleset (`packages/server/.spectral.yaml`, each waiver with its reason) at 0 errors.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createMemoryStore } from "@epca/adapter-memory";
import { createApp, testConfig } from "@epca/server";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const serverDir = fileURLToPath(new URL("..", import.meta.url));
const bin = (name: string) => path.join(serverDir, "..", "..", "node_modules", ".bin", name);

// The document as production serves it: rate limits on (429 and its headers documented).
const config = testConfig({ RATE_LIMIT_PER_MINUTE: 60, RATE_LIMIT_PER_HOUR: 1000, AUTH_RATE_LIMIT_PER_MINUTE: 5 });
const dir = mkdtempSync(path.join(tmpdir(), "epca-openapi-"));
const file = path.join(dir, "openapi.json");
writeFileSync(file, JSON.stringify(createApp({ store: createMemoryStore(), config }).api.openApiDocument(), null, 2));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a CLI; a non-zero exit is a result here, not an exception. */
async function cli(name: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(bin(name), args, { cwd: serverDir, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1", REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === "number" ? failed.code : -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

describe("the OpenAPI document's lint", () => {
  // Both CLIs start at once: the slower one (Spectral, ~10 s) sets the pace.
  const redocly = cli("redocly", ["lint", file, "--config", path.join(serverDir, "redocly.yaml"), "--format", "json"]);
  const spectral = cli("spectral", ["lint", file, "--ruleset", path.join(serverDir, ".spectral.yaml"), "--format", "json", "--fail-severity", "error"]);

  it("passes Redocly CLI with 0 errors", async () => {
    const result = await redocly;
    const report = JSON.parse(result.stdout) as { totals: { errors: number }; problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[] };
    const errors = report.problems.filter((p) => p.severity === "error").map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors).toEqual([]);
    expect([report.totals.errors, result.code]).toEqual([0, 0]);
  }, 60_000);

  it("passes Spectral with the OWASP ruleset with 0 errors", async () => {
    const result = await spectral;
    const start = result.stdout.indexOf("[");
    expect(start, result.stderr || result.stdout).toBeGreaterThanOrEqual(0);
    const findings = JSON.parse(result.stdout.slice(start)) as { code: string; severity: number; message: string; path: (string | number)[] }[];
    expect(findings.length, "Spectral ran its rules (warnings remain)").toBeGreaterThan(0);
    const errors = findings.filter((f) => f.severity === 0).map((f) => `${f.code} ${f.path.join(".")}: ${f.message}`);
    expect(errors).toEqual([]);
    expect(result.code).toBe(0);
  }, 60_000);
});
