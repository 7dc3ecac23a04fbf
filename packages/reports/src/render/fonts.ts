/** TTF bytes of the body and bold faces a PDF embeds. */
export interface PdfFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

/**
 * Loads the DejaVu Sans faces shipped in the package's `fonts/` folder (Latin, Greek, Cyrillic and
 * more; no CJK). Node modules are imported here, lazily, so that importing the package stays cheap.
 */
export async function loadBundledFonts(): Promise<PdfFonts> {
  const [{ readFile, access }, { fileURLToPath }, path] = await Promise.all([
    import("node:fs/promises"),
    import("node:url"),
    import("node:path"),
  ]);
  // src/render/fonts.ts and dist/index.js both sit below the package root that holds fonts/.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth += 1) {
    const regular = path.join(dir, "fonts", "DejaVuSans.ttf");
    try {
      await access(regular);
      const [r, b] = await Promise.all([readFile(regular), readFile(path.join(dir, "fonts", "DejaVuSans-Bold.ttf"))]);
      return { regular: r, bold: b };
    } catch {
      dir = path.dirname(dir);
    }
  }
  throw new Error("@epca/reports: fonts/DejaVuSans.ttf not found next to the package");
}
