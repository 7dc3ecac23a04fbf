import type { HealthUseCases, StoreHealth } from "./types.js";
import type { UseCaseContext } from "./unit-of-work.js";

/** Resolves with the round trip of `ping` in ms (to the microsecond), or rejects after `timeoutMs`. */
async function timed(ping: () => Promise<void>, timeoutMs: number): Promise<number> {
  const start = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the store did not answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return Math.round((performance.now() - start) * 1000) / 1000;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Health of what the use cases run on: the store answers within `timeoutMs` (default 5 s), or not;
 * and its read replica, when it has one (`degraded` when it does not answer: the primary serves).
 */
export function healthUseCases(ctx: UseCaseContext): HealthUseCases {
  return {
    async store(options = {}) {
      const timeoutMs = options.timeoutMs ?? 5_000;
      const replica = ctx.store.replica;
      const [primary, secondary] = await Promise.all([
        timed(() => ctx.store.ping(), timeoutMs).then(
          (latency_ms): StoreHealth => ({ status: "healthy", latency_ms }),
          (error: unknown): StoreHealth => ({ status: "unhealthy", latency_ms: null, error }),
        ),
        replica
          ? timed(() => replica.ping(), timeoutMs).then(
              (latency_ms) => ({ status: "healthy" as const, latency_ms }),
              (error: unknown) => ({ status: "degraded" as const, latency_ms: null, error }),
            )
          : undefined,
      ]);
      return secondary ? { ...primary, replica: secondary } : primary;
    },
  };
}
