/**
 * @epca/core/testing — the contract suite every storage adapter runs, and the dataset generator
 * it uses. Framework-free: pass your runner's `describe`, `it`, `beforeAll`, `afterAll`.
 *
 * @packageDocumentation
 */
export { runStoreContract, type ContractRunner, type StoreContractOptions } from "./store-contract.js";
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
