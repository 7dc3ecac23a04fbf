import { describe } from "vitest";
import { httpSuite } from "./http-suite.js";
import { memoryStoreFactory } from "./support/stores.js";

describe("HTTP API on the memory store", () => {
  httpSuite(memoryStoreFactory);
});
