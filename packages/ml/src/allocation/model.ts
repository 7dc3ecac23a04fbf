import * as tf from "@tensorflow/tfjs";
import { InsufficientTrainingDataError, TrainingAbortedError } from "../errors.js";
import { allocationExamples, type AllocationExample } from "./examples.js";
import { ALLOCATION_FEATURES } from "./features.js";
import type { AllocationHistory } from "./types.js";

/** Hyperparameters of {@link trainAllocationModel}. */
export interface AllocationTrainingOptions {
  /** Most epochs; default 300. */
  readonly epochs?: number;
  /** Default 32. */
  readonly batchSize?: number;
  /** Adam learning rate; default 0.005. */
  readonly learningRate?: number;
  /** Epochs without a better validation loss before stopping; default 30. */
  readonly patience?: number;
  /** Latest share of examples (by allocation start) held out for validation; default 0.2. */
  readonly validationShare?: number;
  /** Units of the hidden layers; default [16]. */
  readonly hiddenUnits?: readonly number[];
  /** L2 penalty on the hidden kernels; default 0.01. */
  readonly l2?: number;
  /** Seed of weight initialisation and batch order; default 1. */
  readonly seed?: number;
  /** "Today" as an ISO date: allocations ended before it are examples; default the current date. */
  readonly now?: string;
  /** Called after each epoch with its losses. */
  readonly onEpoch?: (epoch: number, logs: AllocationEpochLogs) => void;
  /** Cancels training; `trainAllocationModel` then rejects with `TrainingAbortedError`. */
  readonly signal?: AbortSignal;
}

/** Losses of one epoch. */
export interface AllocationEpochLogs {
  readonly loss: number;
  readonly val_loss: number;
}

/** Validation figures (the latest examples by time), beside predict-the-training-mean baselines. */
export type AllocationMetrics = {
  readonly training_samples: number;
  readonly validation_samples: number;
  /** Validation examples whose on-time outcome is known (the probability is scored on these). */
  readonly validation_outcomes: number;
  readonly mae_allocation_percentage: number;
  readonly baseline_mae_allocation_percentage: number;
  readonly mae_hours: number;
  readonly baseline_mae_hours: number;
  /** Null when no validation outcome is known. */
  readonly log_loss_success: number | null;
  readonly brier_success: number | null;
  readonly baseline_brier_success: number | null;
  /** Epoch whose weights were kept (lowest validation loss), and epochs run. */
  readonly best_epoch: number;
  readonly epochs_run: number;
};

/** Standardisation fitted on the training part. */
export type AllocationNormalization = {
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** Of log1p(hours). */
  readonly hours_mean: number;
  readonly hours_std: number;
};

/** A trained allocation model. */
export interface AllocationModel {
  readonly network: tf.LayersModel;
  readonly featureNames: readonly string[];
  readonly normalization: AllocationNormalization;
  readonly metrics: AllocationMetrics;
  readonly hyperparameters: Readonly<Record<string, number | number[]>>;
  readonly trainedAt: string;
}

/** Fewest examples to train: enough for a validation part of five. */
export const MIN_ALLOCATION_EXAMPLES = 25;

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds the network: hidden ReLU layers and three linear outputs (share, scaled log hours, logit). */
export function buildAllocationNetwork(inputs: number, hiddenUnits: readonly number[], seed: number): tf.LayersModel {
  const model = tf.sequential();
  hiddenUnits.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
        ...(i === 0 ? { inputShape: [inputs] } : {}),
      }),
    );
  });
  model.add(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 99 }) }));
  return model;
}

/** The raw network outputs turned into the three figures. */
export function decodeOutputs(outputs: ArrayLike<number>, normalization: AllocationNormalization, row: number): [number, number, number] {
  const share = outputs[row * 3] ?? 0;
  const hoursScaled = outputs[row * 3 + 1] ?? 0;
  const logit = outputs[row * 3 + 2] ?? 0;
  return [
    Math.min(100, Math.max(0, share * 100)),
    Math.max(0, Math.expm1(hoursScaled * normalization.hours_std + normalization.hours_mean)),
    1 / (1 + Math.exp(-logit)),
  ];
}

/** Standardises feature rows. */
export function normalizeFeatures(rows: readonly (readonly number[])[], normalization: AllocationNormalization): number[][] {
  return rows.map((row) => row.map((v, j) => (v - (normalization.mean[j] ?? 0)) / (normalization.std[j] ?? 1)));
}

interface Batch {
  x: tf.Tensor2D;
  share: tf.Tensor1D;
  hours: tf.Tensor1D;
  success: tf.Tensor1D;
  mask: tf.Tensor1D;
}

function toBatch(examples: readonly AllocationExample[], normalization: AllocationNormalization): Batch {
  return {
    x: tf.tensor2d(normalizeFeatures(examples.map((e) => e.features), normalization), [examples.length, ALLOCATION_FEATURES.length]),
    share: tf.tensor1d(examples.map((e) => e.allocation_percentage / 100)),
    hours: tf.tensor1d(examples.map((e) => (Math.log1p(e.hours) - normalization.hours_mean) / normalization.hours_std)),
    success: tf.tensor1d(examples.map((e) => (e.on_time ? 1 : 0))),
    mask: tf.tensor1d(examples.map((e) => (e.on_time === null ? 0 : 1))),
  };
}

const disposeBatch = (b: Batch) => tf.dispose([b.x, b.share, b.hours, b.success, b.mask]);

/** Multi-task loss: squared error of the share and scaled log hours, masked cross-entropy of the outcome. */
function lossOf(network: tf.LayersModel, batch: Batch, l2: number): tf.Scalar {
  return tf.tidy(() => {
    const out = network.apply(batch.x, { training: true }) as tf.Tensor2D;
    const [share, hours, logit] = tf.split(out, 3, 1).map((t) => t.reshape([-1]));
    const shareLoss = tf.losses.meanSquaredError(batch.share, share!).mul(10);
    const hoursLoss = tf.losses.meanSquaredError(batch.hours, hours!);
    const bce = tf.losses.sigmoidCrossEntropy(batch.success, logit!, batch.mask, undefined, tf.Reduction.SUM);
    const outcomeLoss = bce.div(tf.maximum(batch.mask.sum(), 1));
    // L2 on the hidden kernels (not on the output layer, nor on biases).
    const kernels = network.trainableWeights.filter((w) => w.name.includes("kernel")).slice(0, -1);
    const regularization = l2 > 0 && kernels.length > 0 ? tf.addN(kernels.map((w) => w.read().square().sum())).mul(l2) : tf.scalar(0);
    return shareLoss.add(hoursLoss).add(outcomeLoss).add(regularization) as tf.Scalar;
  });
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Trains the allocation model on a history: examples are allocations that ended before `now`,
 * split by time (the latest `validationShare` validate), with early stopping on the validation
 * loss and the best epoch's weights kept. Validation metrics are stored with the model.
 *
 * @example
 * const model = await trainAllocationModel(history, { onEpoch: (epoch, logs) => progress(epoch, logs), signal });
 */
export async function trainAllocationModel(history: AllocationHistory, options: AllocationTrainingOptions = {}): Promise<AllocationModel> {
  const now = options.now ?? new Date().toISOString().slice(0, 10);
  const examples = allocationExamples(history, now);
  if (examples.length < MIN_ALLOCATION_EXAMPLES) throw new InsufficientTrainingDataError(MIN_ALLOCATION_EXAMPLES, examples.length);
  const validationShare = options.validationShare ?? 0.2;
  const cut = Math.min(examples.length - 5, Math.max(5, Math.round(examples.length * (1 - validationShare))));
  const train = examples.slice(0, cut);
  const validation = examples.slice(cut);

  const p = ALLOCATION_FEATURES.length;
  const mean = Array.from({ length: p }, (_, j) => train.reduce((s, e) => s + (e.features[j] ?? 0), 0) / train.length);
  const std = mean.map((m, j) => {
    const sd = Math.sqrt(train.reduce((s, e) => s + ((e.features[j] ?? 0) - m) ** 2, 0) / train.length);
    return sd > 1e-9 ? sd : 1;
  });
  const logHours = train.map((e) => Math.log1p(e.hours));
  const hoursMean = logHours.reduce((s, v) => s + v, 0) / logHours.length;
  const hoursStd = Math.sqrt(logHours.reduce((s, v) => s + (v - hoursMean) ** 2, 0) / logHours.length) || 1;
  const normalization: AllocationNormalization = { mean, std, hours_mean: hoursMean, hours_std: hoursStd };

  const epochs = options.epochs ?? 300;
  const batchSize = options.batchSize ?? 32;
  const patience = options.patience ?? 30;
  const seed = options.seed ?? 1;
  const hiddenUnits = [...(options.hiddenUnits ?? [16])];
  const l2 = options.l2 ?? 0.01;
  const learningRate = options.learningRate ?? 0.005;
  const network = buildAllocationNetwork(p, hiddenUnits, seed);
  const optimizer = tf.train.adam(learningRate);
  const random = seeded(seed);
  const validationBatch = toBatch(validation, normalization);

  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | null = null;
  let epochsRun = 0;
  const abort = () => {
    if (options.signal?.aborted) throw new TrainingAbortedError("allocation model training was aborted");
  };
  try {
    for (let epoch = 1; epoch <= epochs; epoch += 1) {
      abort();
      const order = train.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let lossSum = 0;
      for (let start = 0; start < order.length; start += batchSize) {
        const batch = toBatch(order.slice(start, start + batchSize).map((i) => train[i]!), normalization);
        const loss = optimizer.minimize(() => lossOf(network, batch, l2), true);
        lossSum += (loss?.dataSync()[0] ?? 0) * Math.min(batchSize, order.length - start);
        loss?.dispose();
        disposeBatch(batch);
      }
      const valLossTensor = lossOf(network, validationBatch, l2);
      const valLoss = valLossTensor.dataSync()[0] ?? Infinity;
      valLossTensor.dispose();
      epochsRun = epoch;
      options.onEpoch?.(epoch, { loss: lossSum / order.length, val_loss: valLoss });
      if (valLoss < best - 1e-6) {
        best = valLoss;
        bestEpoch = epoch;
        if (bestWeights) tf.dispose(bestWeights);
        bestWeights = network.getWeights().map((w) => w.clone());
      } else if (epoch - bestEpoch >= patience) {
        break;
      }
      await tick();
    }
    abort();
    if (bestWeights) network.setWeights(bestWeights);
  } catch (error) {
    network.dispose();
    throw error;
  } finally {
    if (bestWeights) tf.dispose(bestWeights);
    disposeBatch(validationBatch);
    optimizer.dispose();
  }

  // Validation metrics with the kept weights, beside the training means as baselines.
  const outputs = tf.tidy(() => network.predict(tf.tensor2d(normalizeFeatures(validation.map((e) => e.features), normalization))) as tf.Tensor).dataSync();
  const decoded = validation.map((_, i) => decodeOutputs(outputs, normalization, i));
  const meanShare = train.reduce((s, e) => s + e.allocation_percentage, 0) / train.length;
  const meanHours = train.reduce((s, e) => s + e.hours, 0) / train.length;
  const trainOutcomes = train.filter((e) => e.on_time !== null);
  const baseRate = trainOutcomes.length > 0 ? trainOutcomes.filter((e) => e.on_time).length / trainOutcomes.length : 0.5;
  const known = validation.map((e, i) => ({ e, i })).filter(({ e }) => e.on_time !== null);
  const clamp = (q: number) => Math.min(1 - 1e-7, Math.max(1e-7, q));
  const metrics: AllocationMetrics = {
    training_samples: train.length,
    validation_samples: validation.length,
    validation_outcomes: known.length,
    mae_allocation_percentage: validation.reduce((s, e, i) => s + Math.abs(e.allocation_percentage - decoded[i]![0]), 0) / validation.length,
    baseline_mae_allocation_percentage: validation.reduce((s, e) => s + Math.abs(e.allocation_percentage - meanShare), 0) / validation.length,
    mae_hours: validation.reduce((s, e, i) => s + Math.abs(e.hours - decoded[i]![1]), 0) / validation.length,
    baseline_mae_hours: validation.reduce((s, e) => s + Math.abs(e.hours - meanHours), 0) / validation.length,
    log_loss_success:
      known.length > 0
        ? -known.reduce((s, { e, i }) => s + (e.on_time ? Math.log(clamp(decoded[i]![2])) : Math.log(1 - clamp(decoded[i]![2]))), 0) / known.length
        : null,
    brier_success: known.length > 0 ? known.reduce((s, { e, i }) => s + ((e.on_time ? 1 : 0) - decoded[i]![2]) ** 2, 0) / known.length : null,
    baseline_brier_success: known.length > 0 ? known.reduce((s, { e }) => s + ((e.on_time ? 1 : 0) - baseRate) ** 2, 0) / known.length : null,
    best_epoch: bestEpoch,
    epochs_run: epochsRun,
  };
  return {
    network,
    featureNames: [...ALLOCATION_FEATURES],
    normalization,
    metrics,
    hyperparameters: { epochs, batchSize, learningRate, patience, validationShare, hiddenUnits, l2, seed },
    trainedAt: new Date().toISOString(),
  };
}
