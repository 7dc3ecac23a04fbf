/** Renders docs/samples/report-sample.pdf from the demo-like model (run: npx tsx packages/reports/scripts/render-sample.ts). */
import { createWriteStream, mkdirSync } from "node:fs";
import { renderPdf } from "../src/index.js";
import { demoReportModel } from "../test/demo-model.js";

const target = new URL("../../../docs/samples/", import.meta.url);
mkdirSync(target, { recursive: true });
await renderPdf(demoReportModel(), createWriteStream(new URL("report-sample.pdf", target)));
console.log(new URL("report-sample.pdf", target).pathname);
