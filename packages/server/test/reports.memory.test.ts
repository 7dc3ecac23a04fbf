import { describe } from "vitest";
import { reportsSuite } from "./reports-suite.js";
import { memoryStoreFactory } from "./support/stores.js";

describe("reports on the memory store", () => {
  reportsSuite(memoryStoreFactory);
});
