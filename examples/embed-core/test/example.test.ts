import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const dir = fileURLToPath(new URL("..", import.meta.url));

describe("examples/embed-core", () => {
  it("runs against the built packages and prints the organisation's analytics", () => {
    const output = execFileSync("node", ["--import", "tsx", "src/main.ts"], { cwd: dir, encoding: "utf8" });
    expect(output).toContain('Refused as expected: A department named "Sales" already exists');
    expect(output).toContain('"department_count":2,"employee_count":3,"project_count":2,"total_revenue":290000');
    // Engineering: 260,000 revenue; 124,800 + 114,400 salaries + 40,000 project cost; 67.5 hours.
    expect(output).toContain("Engineering: revenue 260000, cost 279200, ROI -0.069, 67.5 h");
    // Platform labour: 37.5 h × 60 + 30 h × 55 = 3,900.
    expect(output).toContain("Platform: labour cost 3900, profit 216100");
    expect(output).toMatch(/#1 Ada Lovelace: 8266\.67 revenue per hour/);
  }, 60_000);
});
