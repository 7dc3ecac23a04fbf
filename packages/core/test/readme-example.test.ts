import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../test-support/readme-example.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
// The example imports @epca/adapter-memory too, so it runs where both packages are dependencies.
const embedCore = fileURLToPath(new URL("../../../examples/embed-core", import.meta.url));

describe("the README's example", () => {
  it("runs against the built packages and prints the employee analytics it promises", () => {
    const output = runReadmeExample(packageDir, "## Embed it", {}, embedCore);
    expect(output).toMatch(/name: 'Ada',\s+department_id: 1,\s+revenue: 208000,\s+cost: 104000,\s+profit: 104000,\s+roi: 1,\s+total_hours: 8,\s+productivity_index: 26000/);
  }, 120_000);
});
