/**
 * Renders the demo organisation's report (the seed `epca seed-demo` and `epca serve` use) as
 * docs/reports/sample-report.pdf, through the same use cases `GET /reports/generate` calls.
 * Run: npx tsx packages/server/scripts/render-demo-report.ts [YYYY-MM-DD as "today"]
 * then: pdftoppm -png -r 60 docs/reports/sample-report.pdf docs/reports/sample-report
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createMemoryStore } from "@epca/adapter-memory";
import { memoryReportFiles } from "@epca/adapter-memory/reports";
import { systemActor } from "@epca/core";
import { createReportUseCases } from "@epca/reports";
import { createScryptPasswordHasher, createServerEpca, seedDemoOrganisation, testConfig } from "@epca/server";

const store = createMemoryStore({ parts: { reportFiles: memoryReportFiles } });
const passwordHasher = createScryptPasswordHasher({ logN: 10 });
await seedDemoOrganisation({ store, passwordHasher });
const today = process.argv[2] ? new Date(`${process.argv[2]}T12:00:00Z`) : new Date();
const epca = createServerEpca({ store, config: testConfig(), passwordHasher, clock: { now: () => today } });
const report = await epca.extend(createReportUseCases({ currency: "USD" })).generate(systemActor("default"), { report_type: "pdf" });
const target = new URL("../../../docs/reports/", import.meta.url);
mkdirSync(target, { recursive: true });
writeFileSync(new URL("sample-report.pdf", target), report.bytes);
console.log(`${new URL("sample-report.pdf", target).pathname} (${report.model.period.from} to ${report.model.period.to}, ${report.bytes.byteLength} bytes)`);
