import cluster from "node:cluster";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createServer, type Server } from "node:http";
import { Command, Option } from "commander";
import {
  ConfigError,
  builtInModules,
  createApp,
  createServerEpca,
  preferWasmMlBackend,
  startMlBackend,
  startModuleWorker,
  startScheduler,
  createLogger,
  createScryptPasswordHasher,
  DEMO_USERS,
  describeRateLimits,
  drainableServer,
  DEV_ADMIN_PASSWORD,
  ensureFirstAdmin,
  loadConfig,
  prettyLogsWanted,
  seedDemoOrganisation,
  SERVER_VERSION,
  type ServerConfig,
} from "@epca/server";
import { createPGliteStore, createPostgresStore } from "@epca/adapter-postgres";
import { webDistDir } from "@epca/web";
import { parseWorkerCount, runPrimary, tagWorker } from "./cluster.js";
import { developmentSecret } from "./dev-secret.js";
import { PortInUseError, processListeningOn } from "./port-in-use.js";
import { ensureRetrainSchedules } from "./ml-schedule.js";
import { jobEvents, storeFromConfig } from "./store-from-config.js";

/** Long work reports on stderr, so that stdout stays clean for scripts. */
const progress = (message: string) => process.stderr.write(`epca: ${message}\n`);

function configFromEnv(overrides: Record<string, string | undefined> = {}, options: { signsTokens?: boolean } = {}): ServerConfig {
  const env = { ...process.env, ...overrides };
  let { config, warnings } = loadConfig(env);
  if (options.signsTokens) ({ config, warnings } = withDevelopmentSecret(env, config, warnings));
  for (const warning of warnings) progress(`warning: ${warning}`);
  return config;
}

/**
 * Without `SECRET_KEY`, development on the embedded store keeps one generated key in the data
 * directory (`EPCA_DATA_DIR/secret-key`), so that tokens survive a restart; loadConfig stays pure
 * and gets it as `SECRET_KEY`. Production already refused a missing key; the memory store keeps
 * a per-process key (its users die with it); PostgreSQL has no data directory of ours.
 */
function withDevelopmentSecret(env: Record<string, string | undefined>, config: ServerConfig, warnings: string[]) {
  if (!config.SECRET_KEY_GENERATED || config.storeKind !== "pglite") return { config, warnings };
  const kept = developmentSecret(config.EPCA_DATA_DIR);
  if (kept.created) progress(`generated a development SECRET_KEY in ${kept.file} (set SECRET_KEY in production)`);
  return loadConfig({ ...env, SECRET_KEY: kept.secret });
}

/** Listens, turning `EADDRINUSE` into a message naming the PORT variable (and the holder, if known). */
async function listen(server: Server, config: ServerConfig): Promise<void> {
  try {
    await once(server, "listening");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new PortInUseError(config.PORT, config.HOST, processListeningOn(config.PORT));
    }
    throw error;
  }
}

async function serve(options: { port?: string; host?: string; seed?: boolean; worker?: boolean; web?: boolean; workers?: string }): Promise<void> {
  const config = configFromEnv({
    ...(options.port !== undefined ? { PORT: options.port } : {}),
    ...(options.host !== undefined ? { HOST: options.host } : {}),
    ...(options.seed === false ? { EPCA_SEED_DEMO: "false" } : {}),
  }, { signsTokens: true });
  if (options.workers !== undefined && cluster.isPrimary) return servePrimary(config, parseWorkerCount(options.workers));
  const logger = createLogger(config, undefined, { pretty: prettyLogsWanted(config) });
  progress(`opening the store (${config.storeKind}) and applying migrations…`);
  const opened = await storeFromConfig(config, { migrate: true });
  for (const m of opened.migrationsApplied) progress(`applied migration ${m.version} ${m.name}`);
  const passwordHasher = createScryptPasswordHasher({ logN: config.SCRYPT_LOG_N });

  const admin = await ensureFirstAdmin({
    store: opened.store,
    passwordHasher,
    email: config.FIRST_ADMIN_EMAIL,
    password: config.FIRST_ADMIN_PASSWORD,
  });
  if (admin === "created") progress(`created the first admin ${config.FIRST_ADMIN_EMAIL}`);
  if (admin === "skipped") progress("FIRST_ADMIN_EMAIL / FIRST_ADMIN_PASSWORD not set: no admin created");

  let seeded = false;
  if (config.EPCA_SEED_DEMO) {
    const summary = await seedDemoOrganisation({ store: opened.store, passwordHasher, onProgress: progress });
    seeded = summary.seeded;
    if (summary.seeded) {
      progress(
        `demo organisation: ${summary.departments} departments, ${summary.employees} employees, ${summary.projects} projects, ${summary.timesheets} timesheets, ${summary.users} users`,
      );
    }
  }

  // The web app at `/` when @epca/web is built (`pnpm start` builds it); else GET / points to the docs.
  const app = createApp({ store: opened.store, config, logger, passwordHasher, jobs: opened.jobs, schedules: opened.schedules, ...(options.web === false ? {} : { webDir: webDistDir }) });
  jobEvents.listener = app.api.observeJob;
  // The modules' job handlers run here too, unless another process does (--no-worker).
  const worker =
    options.worker === false
      ? null
      : startModuleWorker({ queue: opened.jobs, modules: app.api.modules, epca: createServerEpca({ store: opened.store, config, passwordHasher, jobs: opened.jobs }), metrics: app.api.moduleMetrics });
  if (worker) await ensureRetrainSchedules(opened.store, opened.schedules, config.MODEL_RETRAIN_DAYS);
  // Models train and predict on TensorFlow.js's wasm backend (cpu if it cannot start), loaded at
  // the first training or prediction and logged then: not at start, where it cost ~21 MB of RSS
  // to every server that never forecasts (`epca worker`, a process for jobs, starts it at launch).
  preferWasmMlBackend(logger);
  const scheduler = worker ? startScheduler({ storage: opened.schedules, queue: opened.jobs, onError: (err) => logger.warn({ err }, "scheduler pass failed") }) : null;
  const server: Server = createServer(tagWorker(app)).listen(config.PORT, config.HOST);
  const drainable = drainableServer(server);
  try {
    await listen(server, config);
  } catch (error) {
    await opened.store.close();
    throw error;
  }
  // Before the banner: whoever reads it (a supervisor, a test, a person's Ctrl-C) may signal at
  // once, and a signal without a handler ends the process without closing the store.
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    const graceMs = config.JOB_GRACE_SECONDS * 1000;
    const drainMs = config.SHUTDOWN_GRACE_SECONDS * 1000;
    const inFlight = drainable.inFlight();
    const force = setTimeout(() => process.exit(1), Math.max(graceMs, drainMs) + 5_000);
    force.unref();
    // Running jobs get the grace period to finish, or are handed back to the queue; in-flight
    // requests get SHUTDOWN_GRACE_SECONDS, new ones are refused meanwhile (the listening socket
    // is closed before the line below is logged).
    const stopped = Promise.all([scheduler?.stop(), worker?.stop({ graceMs })]);
    const draining = drainable.drain({ graceMs: drainMs });
    logger.info({ signal, in_flight: inFlight, grace_seconds: config.SHUTDOWN_GRACE_SECONDS }, "shutting down: draining in-flight requests");
    void draining
      .then((result) => {
        if (result.abandoned > 0) logger.warn(result, "shutdown grace ran out: closed the connections of requests still running");
        else logger.info(result, "drained: every in-flight request was answered");
        return stopped;
      })
      .then(() => app.api.flushUsage())
      // A request abandoned by the grace may still hold a connection: closing the pool waits for
      // it, so the wait is bounded.
      .then(() => Promise.race([opened.store.close(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]))
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  const url = `http://localhost:${port}`;
  const lines = [
    "",
    `EPCA API ${SERVER_VERSION} on ${opened.description}`,
    ...(options.web !== false && existsSync(join(webDistDir, "index.html")) ? [`  Web app  ${url}/`] : []),
    `  API      ${url}/api/v1`,
    `  Docs     ${url}/docs   (ReDoc: ${url}/redoc)`,
    `  Health   ${url}/api/v1/health`,
    ...describeRateLimits(config).map((line, i) => `  ${i === 0 ? "Limits " : "       "}  ${line}`),
    "",
  ];
  if (config.FIRST_ADMIN_EMAIL && config.NODE_ENV !== "production") {
    // Only the built-in development password is shown; an operator's own never reaches stdout.
    const password = config.FIRST_ADMIN_PASSWORD === DEV_ADMIN_PASSWORD ? DEV_ADMIN_PASSWORD : "<FIRST_ADMIN_PASSWORD>";
    lines.push(
      "Log in:",
      `  curl -s -X POST ${url}/api/v1/auth/login -d 'username=${config.FIRST_ADMIN_EMAIL}&password=${password}'`,
      `  curl -s ${url}/api/v1/departments/ -H "Authorization: Bearer <access_token>"`,
      "",
    );
  }
  if (seeded || config.EPCA_SEED_DEMO) {
    lines.push(`Demo users (password ${DEMO_USERS[0].password}): ${DEMO_USERS.map((u) => `${u.email} (${u.role})`).join(", ")}`, "");
  }
  process.stdout.write(lines.join("\n") + "\n");
}

/**
 * `epca serve --workers N`: migrations and the first admin once, here, then N worker processes
 * that each run `epca serve` (see `runPrimary`). Several processes share one store only on
 * PostgreSQL (PGlite's directory is one process's; `memory:` would give each worker its own data).
 */
async function servePrimary(config: ServerConfig, workers: number): Promise<void> {
  if (config.storeKind !== "postgres") throw new ConfigError("--workers", "needs DATABASE_URL=postgres://… (PGlite and memory: are one process's store)");
  progress(`opening the store (${config.storeKind}) and applying migrations…`);
  const opened = await storeFromConfig(config, { migrate: true });
  for (const m of opened.migrationsApplied) progress(`applied migration ${m.version} ${m.name}`);
  try {
    const admin = await ensureFirstAdmin({
      store: opened.store,
      passwordHasher: createScryptPasswordHasher({ logN: config.SCRYPT_LOG_N }),
      email: config.FIRST_ADMIN_EMAIL,
      password: config.FIRST_ADMIN_PASSWORD,
    });
    if (admin === "created") progress(`created the first admin ${config.FIRST_ADMIN_EMAIL}`);
  } finally {
    await opened.store.close();
  }
  // A key generated for this run (no SECRET_KEY, not production) is every worker's: a token one
  // signs must verify on the others.
  if (config.SECRET_KEY_GENERATED) process.env.SECRET_KEY = config.SECRET_KEY;
  runPrimary({ workers, graceMs: config.JOB_GRACE_SECONDS * 1000, progress });
}

async function work(options: { concurrency: string }): Promise<void> {
  const config = configFromEnv();
  const concurrency = Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new ConfigError("--concurrency", "expected a whole number from 1 to 64");
  const opened = await storeFromConfig(config, { migrate: true });
  const passwordHasher = createScryptPasswordHasher({ logN: config.SCRYPT_LOG_N });
  const epca = createServerEpca({ store: opened.store, config, passwordHasher, jobs: opened.jobs });
  // TensorFlow.js loads and compiles its wasm backend before the first job is taken: loading it
  // blocks the event loop for a moment, and jobs taken meanwhile could outlive their lease.
  progress(`ML backend: ${await startMlBackend()}`);
  const worker = startModuleWorker({ queue: opened.jobs, modules: builtInModules(), epca, concurrency });
  await ensureRetrainSchedules(opened.store, opened.schedules, config.MODEL_RETRAIN_DAYS);
  const scheduler = startScheduler({ storage: opened.schedules, queue: opened.jobs, onError: (error) => progress(`scheduler pass failed: ${String(error)}`) });
  progress(`worker running on ${opened.description} (${concurrency} at once); SIGTERM or Ctrl-C stops it`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    progress(`${signal}: letting running jobs finish (up to ${config.JOB_GRACE_SECONDS} s), then stopping`);
    void Promise.all([scheduler.stop(), worker.stop({ graceMs: config.JOB_GRACE_SECONDS * 1000 })])
      .then(() => opened.store.close())
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

async function migrate(): Promise<void> {
  const config = configFromEnv();
  if (config.storeKind === "memory") {
    progress("DATABASE_URL=memory: has no migrations");
    return;
  }
  progress(`applying migrations (${config.storeKind})…`);
  const opened = await storeFromConfig(config, { migrate: true });
  for (const m of opened.migrationsApplied) progress(`applied migration ${m.version} ${m.name}`);
  progress(opened.migrationsApplied.length === 0 ? "already up to date" : `${opened.migrationsApplied.length} migration(s) applied`);
  await opened.store.close();
}

async function seedDemo(): Promise<void> {
  const config = configFromEnv();
  const opened = await storeFromConfig(config, { migrate: true });
  try {
    const passwordHasher = createScryptPasswordHasher({ logN: config.SCRYPT_LOG_N });
    const summary = await seedDemoOrganisation({ store: opened.store, passwordHasher, onProgress: progress });
    if (!summary.seeded) progress("the store already holds departments or employees: nothing seeded");
    else process.stdout.write(JSON.stringify(summary) + "\n");
  } finally {
    await opened.store.close();
  }
}

async function createAdmin(options: { email: string; password?: string; name: string }): Promise<void> {
  const config = configFromEnv();
  const password = options.password ?? process.env.EPCA_ADMIN_PASSWORD;
  if (!password) throw new ConfigError("--password", "required (or set EPCA_ADMIN_PASSWORD)");
  const opened = await storeFromConfig(config, { migrate: true });
  try {
    const outcome = await ensureFirstAdmin({
      store: opened.store,
      passwordHasher: createScryptPasswordHasher({ logN: config.SCRYPT_LOG_N }),
      email: options.email,
      password,
      fullName: options.name,
    });
    progress(outcome === "created" ? `admin ${options.email} created` : `a user ${options.email} already exists: unchanged`);
  } finally {
    await opened.store.close();
  }
}

/**
 * `epca doctor`: checks what the database derives from its rows, today the analytics rollups
 * (rebuilt from timesheets and compared); `--repair` replaces rollups that differ. Exit code 1
 * when something differed (even if repaired), so that a cron job notices.
 */
async function doctor(options: { repair?: boolean }): Promise<void> {
  const config = configFromEnv();
  if (config.storeKind === "memory") {
    progress("DATABASE_URL=memory: nothing derived is stored, nothing to check");
    return;
  }
  const store =
    config.storeKind === "postgres"
      ? await createPostgresStore({ connectionString: config.DATABASE_URL!, poolSize: config.DB_POOL_SIZE, rollupRefresh: false })
      : await createPGliteStore({ dataDir: config.EPCA_DATA_DIR, rollupRefresh: false });
  try {
    await store.migrate();
    const check = await store.verifyRollups({ repair: options.repair === true });
    process.stdout.write(JSON.stringify({ rollups: check }) + "\n");
    if (check.ok) progress(`analytics rollups: ok (${check.buckets} buckets in ${check.tenants} tenant(s))`);
    else {
      progress(`analytics rollups: ${check.mismatches.length} bucket(s) differ from a rebuild${check.repaired.length ? `; repaired in ${check.repaired.join(", ")}` : "; run epca doctor --repair"}`);
      process.exitCode = 1;
    }
  } finally {
    await store.close();
  }
}

/** The `epca` command line. */
export function createCli(): Command {
  const program = new Command("epca")
    .description("EPCA – Employee Productivity & Cost Analytics: the reference API server")
    .version(SERVER_VERSION)
    .showHelpAfterError()
    .addHelpText(
      "after",
      "\nConfiguration comes from the environment (DATABASE_URL, SECRET_KEY, PORT, …); see packages/server/README.md.",
    );
  program
    .command("serve")
    .description("apply migrations, create the first admin, seed the demo (embedded store), then serve the API")
    .addOption(new Option("-p, --port <port>", "port to listen on (PORT, default 8000)"))
    .addOption(new Option("--host <host>", "address to bind (HOST, default 0.0.0.0)"))
    .option("--no-seed", "do not seed the demo organisation (EPCA_SEED_DEMO=false)")
    .option("--no-worker", "serve HTTP only: background jobs run in `epca worker` processes")
    .option("--no-web", "do not serve the web app at / (GET / then points to the API documents)")
    .option("--workers <n>", "run n server processes on the port (node:cluster; 0 or auto: one per CPU core), restarting any that die; PostgreSQL only")
    .action(serve);
  program.command("migrate").description("apply pending database migrations and exit").action(migrate);
  program
    .command("worker")
    .description("run background jobs (reports, imports, training) without HTTP; SIGTERM lets a running job finish")
    .option("--concurrency <n>", "jobs run at once", "2")
    .action(work);
  program
    .command("doctor")
    .description("check data the database derives (analytics rollups) against a rebuild; exit 1 when they differ")
    .option("--repair", "replace rollups that differ with the rebuilt ones")
    .action(doctor);
  program.command("seed-demo").description("seed the demo organisation into an empty store and exit").action(seedDemo);
  program
    .command("create-admin")
    .description("create an administrator in the default tenant")
    .requiredOption("-e, --email <email>", "the admin's email")
    .option("--password <password>", "the admin's password (or EPCA_ADMIN_PASSWORD)")
    .option("-n, --name <name>", "full name", "Administrator")
    .action(createAdmin);
  return program;
}

createCli()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof ConfigError || error instanceof PortInUseError) {
      progress(error.message);
    } else {
      progress(`failed: ${error instanceof Error ? error.message : String(error)}`);
      if (process.env.LOG_LEVEL === "debug" && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    }
    process.exit(1);
  });
