import { EpcaError } from "@epca/core";

/** Stable codes of every error `@epca/ml` throws; the server maps each to one HTTP status. */
export type MlErrorCode =
  | "insufficient_history"
  | "invalid_series"
  | "invalid_options"
  | "model_not_found"
  | "invalid_model_state"
  | "prediction_not_found"
  | "invalid_artifacts"
  | "training_aborted"
  | "insufficient_training_data";

/** Base class of every error (an `EpcaError` of core, so the server maps its code like any other) `@epca/ml` throws; `code` is stable across versions. */
export abstract class MlError extends EpcaError {
  declare readonly code: MlErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    // Each subclass names its own code (a class field, set right after this constructor).
    super("ml_error", message, options);
  }
}

/** A series is too short to forecast: `needed` months are required, `available` were given. */
export class InsufficientHistoryError extends MlError {
  override readonly code = "insufficient_history" as const;

  constructor(
    readonly needed: number,
    readonly available: number,
    options?: { cause?: unknown },
  ) {
    super(`At least ${needed} months of history are needed to forecast; ${available} available`, options);
  }
}

/** A series is malformed: months not ascending, a gap, a bad month string or a non-finite value. */
export class InvalidSeriesError extends MlError {
  override readonly code = "invalid_series" as const;
}

/** An option is out of range (horizon, coverage, asOf, hyperparameters); the message names it. */
export class InvalidOptionsError extends MlError {
  override readonly code = "invalid_options" as const;
}

/** A model does not exist, or exists only in another tenant (never told apart). */
export class ModelNotFoundError extends MlError {
  override readonly code = "model_not_found" as const;

  constructor(
    readonly id: string,
    options?: { cause?: unknown },
  ) {
    super(`model ${id} not found`, options);
  }
}

/** A model cannot make this transition, e.g. deploying a model that is still training. */
export class InvalidModelStateError extends MlError {
  override readonly code = "invalid_model_state" as const;
}

/** A logged prediction does not exist, or exists only in another tenant. */
export class PredictionNotFoundError extends MlError {
  override readonly code = "prediction_not_found" as const;

  constructor(
    readonly id: string,
    options?: { cause?: unknown },
  ) {
    super(`prediction ${id} not found`, options);
  }
}

/** Serialized model artifacts are not of the expected format or version. */
export class InvalidArtifactsError extends MlError {
  override readonly code = "invalid_artifacts" as const;
}

/** Training stopped because its `AbortSignal` fired. */
export class TrainingAbortedError extends MlError {
  override readonly code = "training_aborted" as const;
}

/** Too few usable examples to train and validate a model; `needed` and `available` say how many. */
export class InsufficientTrainingDataError extends MlError {
  override readonly code = "insufficient_training_data" as const;

  constructor(
    readonly needed: number,
    readonly available: number,
    options?: { cause?: unknown },
  ) {
    super(`At least ${needed} training examples are needed; ${available} available`, options);
  }
}

/** True for any error raised by `@epca/ml`. */
export function isMlError(error: unknown): error is MlError {
  return error instanceof MlError;
}
