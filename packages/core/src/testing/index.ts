/**
 * @epca/core/testing — the contract suite every storage adapter runs (whole, or one part per
 * port), its fixtures, and the dataset generator it uses. Framework-free: pass your runner's
 * `describe`, `it`, `beforeAll`, `afterAll` (and `skip`).
 *
 * @packageDocumentation
 */
export { runStoreContract, storeContractParts, type StoreContractPart } from "./store-contract.js";
export {
  contractContext,
  ROLLBACK,
  uniqueTenantId,
  type ContractContext,
  type ContractRunner,
  type RawRead,
  type StoreContractOptions,
} from "./contract/kit.js";
export { contractFixtures } from "./contract/fixtures.js";
export { checkClosedStoreRefuses } from "./contract/scope.js";
export { longTrickyText, runTextContract, TRICKY_TEXT } from "./text-contract.js";
export {
  generateDataset,
  seededRandom,
  storeDataset,
  type DatasetOptions,
  type GeneratedDataset,
  type StoredDataset,
} from "./dataset.js";
export { check, checkCloseRecord, checkEqual, checkRejects, closeTo, deepEqual } from "./assertions.js";
export { runJobQueueContract, type JobQueueContractOptions } from "./job-queue-contract.js";
