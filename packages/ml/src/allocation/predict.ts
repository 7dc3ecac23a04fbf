import * as tf from "@tensorflow/tfjs";
import { allocationFeatures, indexHistory, type HistoryIndex, type PlannedWindow } from "./features.js";
import { decodeOutputs, normalizeFeatures, type AllocationModel } from "./model.js";
import type { AllocationEmployee, AllocationHistory, AllocationPrediction, AllocationProject, RecordId } from "./types.js";

/** What a prediction reads besides the pair: the history before the window, and the window. */
export interface AllocationContext {
  readonly history: Omit<AllocationHistory, "projects">;
  /** The planned allocation; default: from today to the project's estimated end. */
  readonly window?: PlannedWindow;
}

function windowOf(context: AllocationContext): PlannedWindow {
  return context.window ?? { start_date: new Date().toISOString().slice(0, 10) };
}

function predictRows(model: AllocationModel, rows: number[][]): AllocationPrediction[] {
  if (rows.length === 0) return [];
  const outputs = tf.tidy(() => (model.network.predict(tf.tensor2d(normalizeFeatures(rows, model.normalization))) as tf.Tensor).dataSync());
  return rows.map((_, i) => {
    const [share, hours, probability] = decodeOutputs(outputs, model.normalization, i);
    return { recommended_allocation: share, estimated_hours: hours, success_probability: probability };
  });
}

/**
 * Predicts the allocation percentage, the hours over the planned window and the probability
 * that the project finishes on time, for one employee on one project.
 */
export function predictAllocation(model: AllocationModel, employee: AllocationEmployee, project: AllocationProject, context: AllocationContext): AllocationPrediction {
  const index = indexHistory(context.history);
  return predictRows(model, [allocationFeatures(employee, project, windowOf(context), index)])[0]!;
}

/** One ranked alternative. */
export interface RankedAlternative extends AllocationPrediction {
  readonly employee_id: RecordId;
  /** Share of the project's known skills the employee has (0–1). */
  readonly skill_coverage: number;
}

/**
 * Ranks other employees for a project by predicted success probability (then skill coverage),
 * best first; `exclude` drops ids (e.g. the employee already proposed).
 */
export function rankAlternatives(
  model: AllocationModel,
  candidates: readonly AllocationEmployee[],
  project: AllocationProject,
  context: AllocationContext & { readonly exclude?: readonly RecordId[]; readonly limit?: number },
): RankedAlternative[] {
  const excluded = new Set((context.exclude ?? []).map(String));
  const pool = candidates.filter((c) => !excluded.has(String(c.id)));
  const index: HistoryIndex = indexHistory(context.history);
  const window = windowOf(context);
  const rows = pool.map((c) => allocationFeatures(c, project, window, index));
  const predictions = predictRows(model, rows);
  return pool
    .map((c, i) => ({ employee_id: c.id, skill_coverage: rows[i]![1]!, ...predictions[i]! }))
    .sort((a, b) => b.success_probability - a.success_probability || b.skill_coverage - a.skill_coverage)
    .slice(0, context.limit ?? pool.length);
}
