/**
 * @epca/ml/allocation — the TensorFlow.js allocation model: for an (employee, project) pair, the
 * recommended allocation percentage, the hours and the probability of finishing on time, from
 * features that do not contain those targets. Runs in Node and browsers (wasm or cpu backend).
 *
 * @packageDocumentation
 */
export {
  ALLOCATION_ARTIFACTS_FORMAT,
  ALLOCATION_ARTIFACTS_VERSION,
  loadAllocationModel,
  saveAllocationModel,
  type AllocationModelArtifacts,
} from "./artifacts.js";
export { activeBackend, useBackend, type BackendOptions, type TfBackend } from "./backend.js";
export { allocationExamples, projectOnTime, type AllocationExample } from "./examples.js";
export {
  ALLOCATION_FEATURES,
  allocationFeatures,
  indexHistory,
  type AllocationFeatureName,
  type HistoryIndex,
  type PlannedWindow,
} from "./features.js";
export {
  MIN_ALLOCATION_EXAMPLES,
  trainAllocationModel,
  type AllocationEpochLogs,
  type AllocationMetrics,
  type AllocationModel,
  type AllocationNormalization,
  type AllocationTrainingOptions,
} from "./model.js";
export { predictAllocation, rankAlternatives, type AllocationContext, type RankedAlternative } from "./predict.js";
export type {
  AllocationEmployee,
  AllocationHistory,
  AllocationPrediction,
  AllocationProject,
  AllocationProjectStatus,
  AllocationRecord,
  MonthlyHours,
  RecordId,
} from "./types.js";
