import type { Options } from "tsup";

/** The one build config every package spreads: ESM + CJS + types, no bundled dependencies. */
export const baseConfig: Options = {
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  splitting: false,
  treeshake: true,
};
