/**
 * Lints the deployment artifacts with what runs on this machine (no Docker daemon, no helm
 * binary): every YAML parses, compose has its services and health checks, the Grafana dashboard
 * has the shape Grafana loads and every metric its queries name is exported by a real server's
 * `/metrics`, the Dockerfile passes dockerfile-utils' validator and our rules, and the Helm chart's
 * templates are checked without a Go-template engine (balanced actions, defined includes, every
 * `.Values` path present in values.yaml). `docker-compose config` runs when the binary is there.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { DockerfileParser } from "dockerfile-ast";
import { validate } from "dockerfile-utils";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { createMemoryStore } from "@epca/adapter-memory";
import { startServer } from "../../packages/server/test/support/harness.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => readFileSync(join(root, path), "utf8");

function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...filesUnder(path, pattern));
    else if (pattern.test(name)) out.push(path);
  }
  return out.sort();
}

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean; interval?: string };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

describe("YAML files", () => {
  const plain = ["docker-compose.yml", ...filesUnder("deploy", /\.ya?ml$/).filter((f) => !f.includes("/templates/"))];
  it.each(plain)("%s parses", (file) => {
    const docs = parseAllDocuments(read(file));
    expect(docs.flatMap((d) => d.errors.map((e) => e.message))).toEqual([]);
    expect(docs[0]!.toJS()).toBeTypeOf("object");
  });
});

describe("docker-compose.yml", () => {
  const compose = parse(read("docker-compose.yml"), { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
  const { services } = compose;

  it("has the API, a worker, PostgreSQL, Prometheus and Grafana", () => {
    expect(Object.keys(services).sort()).toEqual(["api", "db", "grafana", "prometheus", "worker"]);
    expect(services.api!.command).toEqual(["serve", "--no-worker"]);
    expect(services.worker!.command?.[0]).toBe("worker");
    expect(services.worker!.image).toBe(services.api!.image);
  });

  it("checks health where there is something to ask, and starts the API after a healthy database", () => {
    const healthcheck = services.api!.healthcheck!.test!.join(" ");
    expect(healthcheck).toContain("/api/v1/health");
    expect(services.db!.healthcheck!.test!.join(" ")).toContain("pg_isready");
    expect(services.prometheus!.healthcheck!.test!.join(" ")).toContain("/-/ready");
    expect(services.grafana!.healthcheck!.test!.join(" ")).toContain("/api/health");
    expect(services.worker!.healthcheck).toEqual({ disable: true });
    expect(services.api!.depends_on).toEqual({ db: { condition: "service_healthy" } });
    expect(services.worker!.depends_on!.db).toEqual({ condition: "service_healthy" });
  });

  it("mounts the files of deploy/ that exist, and names its volumes", () => {
    const mounts = Object.values(services).flatMap((s) => s.volumes ?? []);
    for (const mount of mounts.filter((m) => m.startsWith("./"))) expect(existsSync(join(root, mount.split(":")[0]!)), mount).toBe(true);
    for (const named of mounts.filter((m) => !m.startsWith("./")).map((m) => m.split(":")[0]!)) expect(Object.keys(compose.volumes)).toContain(named);
  });

  it("gives the API and the worker the same database and secret", () => {
    for (const name of ["api", "worker"]) {
      expect(services[name]!.environment!.DATABASE_URL).toBe("postgres://epca_owner:${POSTGRES_PASSWORD:-epca}@db:5432/epca");
      expect(services[name]!.environment!.SECRET_KEY).toMatch(/^\$\{SECRET_KEY:\?/);
      expect(services[name]!.environment!.NODE_ENV).toBe("production");
    }
  });

  const compose1 = spawnSync("docker-compose", ["version"], { encoding: "utf8" });
  it.skipIf(compose1.status !== 0)("`docker-compose config` accepts it (no daemon needed)", () => {
    const result = spawnSync("docker-compose", ["-f", "docker-compose.yml", "config", "--quiet"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, SECRET_KEY: "x".repeat(48), FIRST_ADMIN_PASSWORD: "secret-password" },
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("Prometheus and Grafana", () => {
  it("Prometheus scrapes the API's /metrics", () => {
    const config = parse(read("deploy/prometheus.yml")) as { scrape_configs: { job_name: string; metrics_path: string; dns_sd_configs: { names: string[]; port: number }[] }[] };
    const api = config.scrape_configs.find((c) => c.job_name === "epca-api")!;
    expect(api.metrics_path).toBe("/metrics");
    expect(api.dns_sd_configs).toEqual([{ names: ["api"], type: "A", port: 8000 }]);
  });

  const dashboard = JSON.parse(read("deploy/grafana/dashboards/epca.json")) as {
    uid: string;
    title: string;
    schemaVersion: number;
    templating: { list: { name: string; type: string }[] };
    panels: { id: number; title: string; type: string; gridPos: { x: number; y: number; w: number; h: number }; datasource: { uid: string }; targets: { refId: string; expr: string }[] }[];
  };

  it("the dashboard has the shape Grafana provisions: unique ids, a grid, Prometheus targets", () => {
    expect(dashboard.uid).toBe("epca-overview");
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.templating.list.map((v) => `${v.name}:${v.type}`)).toEqual(["datasource:datasource", "instance:query"]);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) {
      expect(["timeseries", "stat"]).toContain(panel.type);
      expect(panel.datasource.uid).toBe("${datasource}");
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const target of panel.targets) expect(target.expr.length).toBeGreaterThan(0);
    }
    const provisioning = parse(read("deploy/grafana/provisioning/dashboards/epca.yml")) as { providers: { options: { path: string } }[] };
    expect(provisioning.providers[0]!.options.path).toBe("/var/lib/grafana/dashboards");
    const datasources = parse(read("deploy/grafana/provisioning/datasources/prometheus.yml")) as { datasources: { uid: string; url: string }[] };
    expect(datasources.datasources).toMatchObject([{ uid: "epca-prometheus", url: "http://prometheus:9090" }]);
  });

  it("plots request rate, p95/p99 latency, error rate, database connections, import rows and predictions", () => {
    expect(dashboard.panels.map((p) => p.title)).toEqual(
      expect.arrayContaining(["Request rate", "Latency p95 / p99", "Error rate (5xx share)", "Database connections in use", "Import rows", "Predictions"]),
    );
    const latency = dashboard.panels.find((p) => p.title === "Latency p95 / p99")!.targets.map((t) => t.expr);
    expect(latency.map((e) => e.match(/histogram_quantile\((0\.\d+)/)![1])).toEqual(["0.95", "0.99"]);
  });

  it("every metric the dashboard queries is one a real server exports at /metrics", async () => {
    const server = await startServer(createMemoryStore());
    try {
      await server.request("GET", "/api/v1/health");
      const text = (await server.request("GET", "/metrics")).text;
      const exported = new Set([...text.matchAll(/^# TYPE (\S+) (\w+)$/gm)].flatMap(([, name, type]) =>
        type === "histogram" ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!],
      ));
      const PROMQL_WORDS = new Set(["sum", "by", "rate", "histogram_quantile", "clamp_min", "max", "le", "endpoint", "instance", "type", "status", "outcome", "resource", "kind", "status_code"]);
      const queried = new Set(
        dashboard.panels
          .flatMap((p) => p.targets.map((t) => t.expr))
          .flatMap((expr) => [...expr.replace(/\{[^}]*\}/g, "").replace(/\[[^\]]*\]/g, "").matchAll(/(?<![\w.])[a-z_][a-z0-9_]*/g)].map((m) => m[0]))
          .filter((word) => !PROMQL_WORDS.has(word)),
      );
      expect([...queried].sort()).toEqual([
        "active_connections",
        "database_connections_active",
        "epca_import_rows_total",
        "epca_job_duration_seconds_count",
        "epca_jobs",
        "epca_predictions_total",
        "http_request_duration_seconds_bucket",
        "http_requests_total",
        "nodejs_eventloop_lag_p99_seconds",
        "process_resident_memory_bytes",
      ]);
      expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("Dockerfile", () => {
  const text = read("Dockerfile");
  const dockerfile = DockerfileParser.parse(text);
  const instructions = dockerfile.getInstructions().map((i) => ({ keyword: i.getKeyword(), args: i.getArgumentsContent() ?? "" }));
  const stages = dockerfile.getFROMs();
  const lastStage = instructions.slice(instructions.map((i) => i.keyword).lastIndexOf("FROM"));

  it("passes dockerfile-utils' validator", () => {
    expect(validate(text).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it("is multi-stage, and the image keeps only pnpm deploy's production tree", () => {
    expect(stages.map((f) => f.getBuildStage())).toEqual(["build", "runtime"]);
    expect(instructions.find((i) => i.keyword === "RUN" && i.args.includes("pnpm --filter @epca/cli deploy"))!.args).toContain("--prod");
    expect(lastStage.filter((i) => i.keyword === "COPY").map((c) => c.args)).toEqual(["/app /app"]);
    expect(text).toMatch(/^COPY --from=build --chown=root:root \/app \/app$/m);
    expect(lastStage.some((i) => i.keyword === "RUN" && /pnpm|npm install|npm ci/.test(i.args))).toBe(false);
  });

  it("runs as a non-root user, checks /api/v1/health, and lets SIGTERM reach node", () => {
    const user = lastStage.filter((i) => i.keyword === "USER").at(-1)!.args;
    expect(user).toBe("epca:epca");
    expect(lastStage.find((i) => i.keyword === "HEALTHCHECK")!.args).toContain("/api/v1/health");
    expect(lastStage.find((i) => i.keyword === "ENTRYPOINT")!.args).toBe('["node", "/app/bin/epca.js"]');
    expect(lastStage.find((i) => i.keyword === "ENV")!.args).toContain("NODE_ENV=production");
  });

  it(".dockerignore keeps node_modules, builds and the git directory out of the context", () => {
    const ignored = read(".dockerignore").split("\n").filter((l) => l && !l.startsWith("#"));
    expect(ignored).toEqual(expect.arrayContaining(["**/node_modules", "**/dist", ".git", ".env"]));
  });
});

describe("Helm chart deploy/helm/epca", () => {
  const chartDir = "deploy/helm/epca";
  const values = parse(read(`${chartDir}/values.yaml`)) as Record<string, unknown>;
  const templates = filesUnder(`${chartDir}/templates`, /\.(ya?ml|tpl)$/);
  const helpers = read(`${chartDir}/templates/_helpers.tpl`);
  const defined = new Set([...helpers.matchAll(/\{\{-? define "([^"]+)"/g)].map((m) => m[1]));

  it("has a chart, values and every template the deployment needs", () => {
    expect(parse(read(`${chartDir}/Chart.yaml`))).toMatchObject({ apiVersion: "v2", name: "epca", type: "application" });
    expect(templates.map((t) => relative(`${chartDir}/templates`, t))).toEqual([
      "_helpers.tpl",
      "configmap.yaml",
      "deployment.yaml",
      "hpa.yaml",
      "ingress.yaml",
      "pvc.yaml",
      "secret.yaml",
      "service.yaml",
      "worker-deployment.yaml",
    ]);
  });

  it.each(templates)("%s: balanced actions, defined includes, every .Values path in values.yaml", (file) => {
    const source = read(file);
    const actions = [...source.matchAll(/\{\{-?\s*(.*?)\s*-?\}\}/gs)].map((m) => m[1]!);
    expect(source.split("{{").length).toBe(source.split("}}").length);
    let depth = 0;
    for (const action of actions) {
      if (/^\/\*/.test(action)) continue;
      if (/^(if|with|range|define)\b/.test(action)) depth++;
      if (/^end\b/.test(action)) depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    for (const [, name] of source.matchAll(/include "([^"]+)"/g)) expect(defined, `include "${name}"`).toContain(name);
    for (const [, path] of source.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)) {
      let node: unknown = values;
      for (const key of path!.split(".")) {
        expect(node !== null && typeof node === "object" && key in node, `.Values.${path} in values.yaml`).toBe(true);
        node = (node as Record<string, unknown>)[key];
      }
    }
  });

  it("the deployment probes /api/v1/health for liveness and readiness and runs as a non-root user", () => {
    const deployment = read(`${chartDir}/templates/deployment.yaml`);
    expect([...deployment.matchAll(/(liveness|readiness)Probe:\n\s+httpGet: \{ path: (\S+), port: http \}/g)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      "liveness /api/v1/health",
      "readiness /api/v1/health",
    ]);
    expect(values).toMatchObject({ podSecurityContext: { runAsNonRoot: true, runAsUser: 10001 }, securityContext: { readOnlyRootFilesystem: true } });
  });

  it("a template with its actions removed is YAML (the static skeleton parses)", () => {
    for (const file of templates.filter((t) => t.endsWith(".yaml"))) {
      const skeleton = read(file)
        .split("\n")
        .filter((line) => !/^\s*\{\{.*\}\}\s*$/.test(line))
        .map((line) => line.replace(/\{\{.*?\}\}/g, "x"))
        .join("\n");
      const docs = parseAllDocuments(skeleton);
      expect(docs.flatMap((d) => d.errors.map((e) => `${file}: ${e.message}`))).toEqual([]);
    }
  });
});
