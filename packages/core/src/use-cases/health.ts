import type { HealthUseCases } from "./types.js";
import type { UseCaseContext } from "./unit-of-work.js";

/** Health of what the use cases run on: the store answers within `timeoutMs` (default 5 s), or not. */
export function healthUseCases(ctx: UseCaseContext): HealthUseCases {
  return {
    async store(options = {}) {
      const timeoutMs = options.timeoutMs ?? 5_000;
      const start = performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([
          ctx.store.ping(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`the store did not answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return { status: "healthy", latency_ms: Math.round((performance.now() - start) * 1000) / 1000 };
      } catch (error) {
        return { status: "unhealthy", latency_ms: null, error };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
