import type { ServerModule } from "../http/module.js";
import type { RouteTable } from "../http/route-table.js";
import { SERVER_VERSION } from "../version.js";
import { healthSchema } from "./schemas.js";

/** `GET /health`: spec 000 section 4, "System Health Endpoints"; contract section 9. */
function routes(api: RouteTable): void {
  api.define(
    {
      method: "get",
      path: "/health",
      summary: "System health check",
      description:
        "503 and `unhealthy` when the database does not answer. With a read replica (`DATABASE_READ_URL`), `checks.database_replica` is `degraded` while it does not answer; the primary then serves its reads and the status stays 200.",
      tags: ["system"],
      auth: "none",
      responses: {
        200: { description: "Healthy", schema: healthSchema },
        503: { description: "Unhealthy", schema: healthSchema },
      },
    },
    async ({ epca }) => {
      let database: { status: "healthy" | "unhealthy" | "skipped"; latency_ms: number | null } = { status: "skipped", latency_ms: null };
      let replica: { status: "healthy" | "degraded"; latency_ms: number | null } | undefined;
      if (api.config.HEALTH_CHECK_INCLUDE_DB) {
        const { error, replica: replicaCheck, ...check } = await epca.health.store({ timeoutMs: 5_000 });
        if (error !== undefined) api.logger.warn({ err: error }, "health check: database ping failed");
        database = check;
        if (replicaCheck) {
          const { error: replicaError, ...rest } = replicaCheck;
          if (replicaError !== undefined) api.logger.warn({ err: replicaError }, "health check: read replica ping failed (reads go to the primary)");
          replica = rest;
        }
      }
      const healthy = database.status !== "unhealthy";
      return {
        status: healthy ? 200 : 503,
        headers: { "Cache-Control": "no-store" },
        body: {
          status: healthy ? "healthy" : "unhealthy",
          version: SERVER_VERSION,
          uptime_seconds: Math.round((Date.now() - api.startedAt) / 1000),
          checks: replica ? { database, database_replica: replica } : { database },
        },
      };
    },
  );
}

/** The `system` module: health. */
export const healthModule: ServerModule = {
  name: "health",
  tags: [{ name: "system", description: "Health of the server and its database (no authentication)." }],
  routes,
};
