import { defineConfig } from "tsup";
import { baseConfig } from "../../tsup.base";

export default defineConfig([
  { ...baseConfig, entry: ["src/index.ts"], clean: false, shims: true },
  // The `epca` bin: ESM only, with a shebang; `clean: false` so it does not wipe the library build.
  { ...baseConfig, entry: ["src/cli.ts"], format: ["esm"], dts: false, clean: false, shims: true, banner: { js: "#!/usr/bin/env node" } },
]);
