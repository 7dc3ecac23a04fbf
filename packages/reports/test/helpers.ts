import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, type Writable } from "node:stream";

/** Runs `render` into a memory stream and answers the bytes written. */
export async function collect(render: (out: Writable) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await render(out);
  return Buffer.concat(chunks);
}

/** Whether poppler's pdftotext is on the PATH. */
export const hasPdftotext = spawnSync("pdftotext", ["-v"]).error === undefined;

/** The text of a PDF through `pdftotext` (`-layout` keeps table rows on one line). */
export function pdfText(pdf: Buffer, layout = true): string {
  const dir = mkdtempSync(join(tmpdir(), "epca-pdf-"));
  const file = join(dir, "report.pdf");
  writeFileSync(file, pdf);
  const result = spawnSync("pdftotext", [...(layout ? ["-layout"] : []), "-enc", "UTF-8", file, "-"], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`pdftotext failed: ${result.stderr}`);
  return result.stdout;
}

/** Pages of a pdftotext output (form feeds separate them). */
export const pages = (text: string) => text.split("\f").filter((p) => p.trim() !== "");

/** A hostile set of names: each would start a formula in a spreadsheet. */
export const HOSTILE_NAMES = ['=HYPERLINK("http://x")', "@SUM(1)", "-2+3", "\tcmd", "+1", "\rcr"];
