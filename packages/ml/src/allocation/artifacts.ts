import * as tf from "@tensorflow/tfjs";
import { base64ToBytes, bytesToBase64 } from "../encoding/base64.js";
import { InvalidArtifactsError } from "../errors.js";
import type { JsonValue } from "../ports.js";
import { ALLOCATION_FEATURES } from "./features.js";
import type { AllocationMetrics, AllocationModel, AllocationNormalization } from "./model.js";

/** Format tag and version of serialized allocation models. */
export const ALLOCATION_ARTIFACTS_FORMAT = "epca-allocation-model";
export const ALLOCATION_ARTIFACTS_VERSION = 1;

/** A serialized allocation model: plain JSON, weights as base64, to store in a database or send to a browser. */
// A type alias, not an interface, so that it is assignable to `JsonValue` (e.g. `ModelRecord.artifacts`).
export type AllocationModelArtifacts = {
  readonly format: typeof ALLOCATION_ARTIFACTS_FORMAT;
  readonly version: typeof ALLOCATION_ARTIFACTS_VERSION;
  readonly trained_at: string;
  readonly feature_names: readonly string[];
  readonly normalization: AllocationNormalization;
  readonly metrics: AllocationMetrics;
  readonly hyperparameters: Readonly<Record<string, number | number[]>>;
  /** The tfjs layers topology (`model.json`'s `modelTopology`). */
  readonly model_topology: JsonValue;
  /** The tfjs weight manifest entries (name, shape, dtype) in the order of `weights_base64`. */
  readonly weight_specs: JsonValue;
  readonly weights_base64: string;
};

function concat(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  const parts = Array.isArray(data) ? data : [data];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(new Uint8Array(part), at);
    at += part.byteLength;
  }
  return out;
}

/** Serializes a model through a tfjs IO handler (`tf.io.withSaveHandler`) into JSON artifacts. */
export async function saveAllocationModel(model: AllocationModel): Promise<AllocationModelArtifacts> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.network.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  const artifacts = captured as tf.io.ModelArtifacts | null;
  if (!artifacts?.modelTopology || !artifacts.weightSpecs || !artifacts.weightData) {
    throw new InvalidArtifactsError("tfjs produced no topology or weights");
  }
  return {
    format: ALLOCATION_ARTIFACTS_FORMAT,
    version: ALLOCATION_ARTIFACTS_VERSION,
    trained_at: model.trainedAt,
    feature_names: [...model.featureNames],
    normalization: model.normalization,
    metrics: model.metrics,
    hyperparameters: model.hyperparameters,
    model_topology: JSON.parse(JSON.stringify(artifacts.modelTopology)) as JsonValue,
    weight_specs: JSON.parse(JSON.stringify(artifacts.weightSpecs)) as JsonValue,
    weights_base64: bytesToBase64(concat(artifacts.weightData as ArrayBuffer | ArrayBuffer[])),
  };
}

function isArtifacts(value: unknown): value is AllocationModelArtifacts {
  const v = value as Partial<AllocationModelArtifacts> | null;
  return (
    typeof v === "object" &&
    v !== null &&
    v.format === ALLOCATION_ARTIFACTS_FORMAT &&
    typeof v.weights_base64 === "string" &&
    Array.isArray(v.feature_names) &&
    typeof v.normalization === "object" &&
    v.model_topology !== undefined &&
    Array.isArray(v.weight_specs)
  );
}

/** Loads JSON artifacts (e.g. read from a database) back into a model, through `tf.io.fromMemory`. */
export async function loadAllocationModel(artifacts: unknown): Promise<AllocationModel> {
  if (!isArtifacts(artifacts)) throw new InvalidArtifactsError(`not ${ALLOCATION_ARTIFACTS_FORMAT} artifacts`);
  if (artifacts.version !== ALLOCATION_ARTIFACTS_VERSION) {
    throw new InvalidArtifactsError(`artifacts version ${String(artifacts.version)} is not supported (expected ${ALLOCATION_ARTIFACTS_VERSION})`);
  }
  if (artifacts.feature_names.join(",") !== ALLOCATION_FEATURES.join(",")) {
    throw new InvalidArtifactsError("artifacts were trained on other features than this version computes");
  }
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(artifacts.weights_base64);
  } catch (cause) {
    throw new InvalidArtifactsError("weights_base64 is not base64", { cause });
  }
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const network = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: artifacts.model_topology as object,
      weightSpecs: artifacts.weight_specs as unknown as tf.io.WeightsManifestEntry[],
      weightData,
    }),
  );
  return {
    network,
    featureNames: artifacts.feature_names,
    normalization: artifacts.normalization,
    metrics: artifacts.metrics,
    hyperparameters: artifacts.hyperparameters,
    trainedAt: artifacts.trained_at,
  };
}
