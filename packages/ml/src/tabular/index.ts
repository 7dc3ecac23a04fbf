/**
 * @epca/ml/tabular — a compact gradient-boosted tree regressor for tabular data, with the error
 * figures and fold split its benchmark uses. Pure TypeScript: runs in browsers.
 *
 * @packageDocumentation
 */
export {
  predictGradientBoosting,
  trainGradientBoosting,
  type BoostingLoss,
  type GradientBoostingModel,
  type GradientBoostingOptions,
  type TreeNode,
} from "./gradient-boosting.js";
export { kFoldIndices, meanAbsoluteError, rSquared } from "./metrics.js";
