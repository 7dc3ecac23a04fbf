import type { RouteTable } from "../http/define-route.js";
import { healthSchema } from "../openapi/schemas.js";
import { SERVER_VERSION } from "../version.js";

/** `GET /health`: spec 000 section 4, "System Health Endpoints"; contract section 9. */
export function healthRoutes(api: RouteTable): void {
  api.define(
    {
      method: "get",
      path: "/health",
      summary: "System health check",
      description: "503 and `unhealthy` when the database does not answer.",
      tags: ["system"],
      auth: "none",
      responses: {
        200: { description: "Healthy", schema: healthSchema },
        503: { description: "Unhealthy", schema: healthSchema },
      },
    },
    async ({ services }) => {
      let database: { status: "healthy" | "unhealthy" | "skipped"; latency_ms: number | null } = { status: "skipped", latency_ms: null };
      if (services.config.HEALTH_CHECK_INCLUDE_DB) {
        const start = performance.now();
        try {
          await withTimeout(services.store.ping(), 5_000);
          database = { status: "healthy", latency_ms: Math.round((performance.now() - start) * 1000) / 1000 };
        } catch (error) {
          services.logger.warn({ err: error }, "health check: database ping failed");
          database = { status: "unhealthy", latency_ms: null };
        }
      }
      const healthy = database.status !== "unhealthy";
      return {
        status: healthy ? 200 : 503,
        headers: { "Cache-Control": "no-store" },
        body: {
          status: healthy ? "healthy" : "unhealthy",
          version: SERVER_VERSION,
          uptime_seconds: Math.round((Date.now() - services.startedAt) / 1000),
          checks: { database },
        },
      };
    },
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
