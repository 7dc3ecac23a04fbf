import { defineConfig } from "tsup";
import { baseConfig } from "../../tsup.base";

export default defineConfig({ ...baseConfig, entry: ["src/index.ts", "src/reports.ts", "src/ml.ts", "src/uploads.ts", "src/pg-boss.ts"] });
