/**
 * @epca/reports/testing — the contract suite every `ReportFileStore` implementation runs.
 * Framework-free: pass your runner's `describe`, `it`, `beforeAll`, `afterAll`.
 *
 * @packageDocumentation
 */
export {
  runReportFileStoreContract,
  type ContractRunner,
  type ReportFileStoreContractOptions,
} from "./report-file-store-contract.js";
export { reportFilesOverScopes } from "./over-scopes.js";
