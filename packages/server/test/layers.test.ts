/**
 * The server's imports run one way: modules → the HTTP kit → auth → config (and core). Handlers
 * and auth reach the domain through use cases only: no store, scope or repository in them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../src", import.meta.url));

/** Higher layers may import lower ones, never the reverse; the composition root (app.ts, index.ts) imports anything. */
const LAYER: Record<string, number> = { modules: 3, http: 2, auth: 1, config: 0 };
const LEAVES = new Set(["version.ts", "bootstrap.ts", "demo-seed.ts", "scheduler.ts"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** The layer of a file under src/: its folder's, 0 for a leaf, `null` for the composition root. */
function layerOf(file: string): number | null {
  const [first, ...rest] = relative(src, file).split("/");
  if (rest.length === 0) return LEAVES.has(first!) ? 0 : null;
  return LAYER[first!] ?? null;
}

const files = sourceFiles(src);
const imports = (file: string) =>
  [...readFileSync(file, "utf8").matchAll(/from "(\.[^"]+)"/g)].map((m) => join(file, "..", m[1]!).replace(/\.js$/, ".ts"));

describe("server layers", () => {
  it("every folder is a known layer", () => {
    for (const file of files) {
      const rel = relative(src, file);
      if (rel.includes("/")) expect(Object.keys(LAYER), rel).toContain(rel.split("/")[0]);
    }
  });

  it.each(files.filter((f) => layerOf(f) !== null).map((f) => [relative(src, f), f] as const))("%s imports only its own layer or lower ones", (_name, file) => {
    const own = layerOf(file)!;
    for (const target of imports(file)) {
      const layer = layerOf(target);
      expect(layer, `${relative(src, file)} imports ${relative(src, target)}`).not.toBeNull();
      expect(layer!, `${relative(src, file)} imports ${relative(src, target)} (a higher layer)`).toBeLessThanOrEqual(own);
    }
  });

  it("handlers and auth never hold the store, a scope or a repository", () => {
    const forbidden = /\b(EpcaStore|TenantScope|UnitOfWork|[A-Z]\w*Repository|AnalyticsStore|AuditLog)\b|\.transaction\(/;
    const offenders = files
      .filter((f) => ["modules", "auth"].includes(relative(src, f).split("/")[0]!))
      .filter((f) => forbidden.test(readFileSync(f, "utf8")))
      .map((f) => relative(src, f));
    expect(offenders).toEqual([]);
  });
});
