import { defineConfig } from "vite";

// A static page: `vite build` writes dist/ with relative asset paths, servable from any directory.
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 4096 },
});
