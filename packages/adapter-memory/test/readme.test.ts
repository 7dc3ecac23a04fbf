import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../test-support/readme-example.js";

describe("README example", () => {
  it("runs against the built package and prints the department it stored", () => {
    const output = runReadmeExample(fileURLToPath(new URL("..", import.meta.url)));
    expect(output).toMatch(/id: 1,\s+name: 'Sales',\s+budget: 100000,\s+description: null/);
  }, 120_000);
});
