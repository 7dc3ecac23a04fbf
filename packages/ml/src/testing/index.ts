/**
 * @epca/ml/testing — the `ModelRegistry` contract suite every registry adapter runs, and the
 * seeded synthetic series the forecasting tests use. Framework-free.
 *
 * @packageDocumentation
 */
export { runModelRegistryContract, type ContractRunner, type ModelRegistryContractOptions } from "./model-registry-contract.js";
export { normalFrom, seededUniform, syntheticSeries, type SyntheticSeriesSpec } from "./synthetic-series.js";
export { check, checkEqual, checkRejects, deepEqual } from "./assertions.js";
export { generateAllocationHistory, type AllocationHistoryOptions } from "./allocation-history.js";
