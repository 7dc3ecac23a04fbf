import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/** `@epca/ml` is bundled from its sources (it has no I/O and runs in browsers), so no build of it is needed first. */
export const mlSource = fileURLToPath(new URL("../ml/src/index.ts", import.meta.url));

/**
 * The app: `index.html` and hashed chunks under `assets/` (the server caches those for a year and
 * revalidates `index.html`). Each page but the dashboard is its own chunk, loaded on first visit;
 * `@epca/ml` only with the forecasts page. `pnpm dev` proxies the API to a server on port 8000.
 */
export default defineConfig({
  base: "/",
  resolve: { alias: { "@epca/ml": mlSource } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    assetsDir: "assets",
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    proxy: { "/api": "http://localhost:8000", "/docs": "http://localhost:8000" },
  },
});
