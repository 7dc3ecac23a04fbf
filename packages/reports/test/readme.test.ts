import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../test-support/readme-example.js";

describe("README example", () => {
  it("runs against the built package and prints exactly the README's `prints` block", () => {
    const dir = fileURLToPath(new URL("..", import.meta.url));
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const printed = /prints\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(printed).toBeDefined();
    expect(runReadmeExample(dir).trim()).toBe(printed!.trim());
  }, 120_000);
});
