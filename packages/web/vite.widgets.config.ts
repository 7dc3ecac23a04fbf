import { defineConfig } from "vite";

/**
 * The embeddable widgets: one classic script, `dist/epca-widgets.js` (IIFE, no imports, CSS inside),
 * that any page can load with `<script src>` from any origin; it defines the custom elements.
 */
export default defineConfig({
  build: {
    outDir: "dist",
    emptyOutDir: false,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    lib: {
      entry: "src/widgets.ts",
      name: "EpcaWidgets",
      formats: ["iife"],
      fileName: () => "epca-widgets.js",
    },
  },
});
