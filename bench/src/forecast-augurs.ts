/**
 * Does `@bsull/augurs` (MSTL + ETS, AutoETS; WebAssembly) improve our forecasts? Runs the coverage
 * test's 200 + 200 synthetic series with the built-in candidates alone and with the augurs models
 * as `extraModels`, and prints held-out MAE, interval coverage and time. augurs is not a
 * dependency; install it first:
 *
 *   pnpm --filter @epca/bench add @bsull/augurs@0.10.2 && pnpm --filter @epca/ml build
 *   pnpm --filter @epca/bench exec tsx src/forecast-augurs.ts
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { seededRandom } from "@epca/core/testing";
import { forecast, type ForecastModel } from "@epca/ml";
import { syntheticSeries } from "@epca/ml/testing";

interface AugursForecaster {
  fit(y: number[]): void;
  predict(horizon: number): { point: number[] };
  free(): void;
}
interface AugursEts {
  initSync(input: { module: Uint8Array }): void;
  AutoETS: new (seasonLength: number, spec: string) => AugursForecaster;
}
interface AugursMstl {
  initSync(input: { module: Uint8Array }): void;
  MSTL: { ets(periods: number[]): AugursForecaster };
}

const load = async () => {
  try {
    const require = createRequire(import.meta.url);
    const ets = (await import("@bsull/augurs/ets" as string)) as AugursEts;
    const mstl = (await import("@bsull/augurs/mstl" as string)) as AugursMstl;
    const dir = require.resolve("@bsull/augurs/ets").replace(/ets\.js$/, "");
    ets.initSync({ module: readFileSync(`${dir}ets_bg.wasm`) });
    mstl.initSync({ module: readFileSync(`${dir}mstl_bg.wasm`) });
    return { ets, mstl };
  } catch (error) {
    console.error(`@bsull/augurs is not installed (${String(error)}); see the comment at the top of this file.`);
    process.exit(1);
  }
};

const { ets, mstl } = await load();
const wrap = (type: string, minTraining: number, create: () => AugursForecaster): ForecastModel => ({
  type,
  minTraining,
  fit: (values) => {
    const model = create();
    model.fit([...values]);
    return (horizon) => {
      const point = model.predict(horizon).point;
      model.free();
      return point;
    };
  },
});
const extra = [wrap("augurs_mstl_ets", 24, () => mstl.MSTL.ets([12])), wrap("augurs_auto_ets", 6, () => new ets.AutoETS(1, "ZZN"))];

const H = 3;
const random = seededRandom(2026);
const months = () => 36 + Math.floor(random() * 37);
const structured = Array.from({ length: 200 }, () => ({ months: months(), level: 100 + random() * 100, trend: (random() - 0.3) * 3, seasonality: 10 + random() * 30, noise: 3 + random() * 10 }));
const noise = Array.from({ length: 200 }, () => ({ months: months(), level: 50 + random() * 100, trend: 0, seasonality: 0, noise: 5 + random() * 10 }));
for (const [name, specs, base] of [["structured", structured, 10_000], ["noise", noise, 20_000]] as const) {
  for (const models of [[], extra]) {
    let mae = 0;
    let points = 0;
    let in80 = 0;
    let in95 = 0;
    const chosen: Record<string, number> = {};
    const started = performance.now();
    specs.forEach((spec, s) => {
      const series = syntheticSeries({ ...spec, months: spec.months + H }, base + s);
      const result = forecast(series, { horizon: H, asOf: series[spec.months - 1]!.month, extraModels: models });
      chosen[result.model.type] = (chosen[result.model.type] ?? 0) + 1;
      result.points.forEach((p, i) => {
        const actual = series[spec.months + i]!.value;
        const wide = result.intervals[1]!.points[i]!;
        points += 1;
        mae += Math.abs(actual - p.predicted);
        if (actual >= p.lower && actual <= p.upper) in80 += 1;
        if (actual >= wide.lower && actual <= wide.upper) in95 += 1;
      });
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${name.padEnd(10)} ${models.length ? "with augurs" : "built-in   "} MAE ${(mae / points).toFixed(3)}  80% ${(in80 / points).toFixed(3)}  95% ${(in95 / points).toFixed(3)}  ${seconds.toFixed(1)} s  ${JSON.stringify(chosen)}`,
    );
  }
}
