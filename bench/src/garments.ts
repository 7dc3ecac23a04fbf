/**
 * Garments benchmark: our tabular regressors on the UCI "Productivity Prediction of Garment
 * Employees" data (target `actual_productivity`), 10-fold CV and a chronological split (train
 * before 2015-02-26), beside predict-the-mean in the same run; then the time to train the same
 * tfjs MLP on the WebAssembly and the CPU backends.
 *
 *   pnpm bench:garments            (from the repository root; builds @epca/ml first)
 *   EPCA_GARMENTS_FOLDS_MLP=0 …    skip the MLP's 10-fold run (the slowest part)
 */
import * as tf from "@tensorflow/tfjs";
import { useBackend, type TfBackend } from "@epca/ml/allocation";
import { nodeWasmDirectory } from "@epca/ml/node";
import { kFoldIndices, meanAbsoluteError, predictGradientBoosting, rSquared, trainGradientBoosting, type GradientBoostingOptions } from "@epca/ml/tabular";
import { Matrix, solve } from "ml-matrix";
import { garmentsFeatures, readGarments } from "./garments-data.js";

type Rows = number[][];
type Method = (trainX: Rows, trainY: number[], testX: Rows) => Promise<number[]>;

const rows = readGarments();
const x = rows.map(garmentsFeatures);
const y = rows.map((r) => r.actual_productivity);
const CHRONO_CUT = "2015-02-26";

function standardizer(train: Rows): (rows: Rows) => Rows {
  const p = train[0]!.length;
  const mean = Array.from({ length: p }, (_, j) => train.reduce((s, r) => s + r[j]!, 0) / train.length);
  const std = mean.map((m, j) => Math.sqrt(train.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / train.length) || 1);
  return (rs) => rs.map((r) => r.map((v, j) => (v - mean[j]!) / std[j]!));
}

const predictMean: Method = async (_x, trainY, testX) => {
  const mean = trainY.reduce((s, v) => s + v, 0) / trainY.length;
  return testX.map(() => mean);
};

/** Ridge (λ = 1) on standardised features: the linear-regression reference. */
const linear: Method = async (trainX, trainY, testX) => {
  const scale = standardizer(trainX);
  const a = new Matrix(scale(trainX).map((r) => [1, ...r]));
  const gram = a.transpose().mmul(a);
  for (let j = 1; j < gram.rows; j += 1) gram.set(j, j, gram.get(j, j) + 1);
  const beta = solve(gram, a.transpose().mmul(Matrix.columnVector(trainY))).to1DArray();
  return scale(testX).map((r) => [1, ...r].reduce((s, v, j) => s + v * beta[j]!, 0));
};

const boosting =
  (options: GradientBoostingOptions): Method =>
  async (trainX, trainY, testX) =>
    predictGradientBoosting(trainGradientBoosting(trainX, trainY, options), testX);

const MLP_EPOCHS = 60;
/** A tfjs MLP (64-32 ReLU, MAE loss, Adam) on standardised features, on the current backend. */
const mlp: Method = async (trainX, trainY, testX) => {
  const scale = standardizer(trainX);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 64, activation: "relu", inputShape: [trainX[0]!.length], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 32, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.003), loss: "meanAbsoluteError" });
  const xs = tf.tensor2d(scale(trainX));
  const ys = tf.tensor2d(trainY, [trainY.length, 1]);
  await model.fit(xs, ys, { epochs: MLP_EPOCHS, batchSize: 32, shuffle: true, verbose: 0 });
  const test = tf.tensor2d(scale(testX));
  const out = Array.from((model.predict(test) as tf.Tensor).dataSync());
  tf.dispose([xs, ys, test]);
  model.dispose();
  return out;
};

interface Result {
  method: string;
  split: string;
  mae: number;
  r2: number | null;
  seconds: number;
}

async function crossValidate(name: string, method: Method, folds = 10): Promise<Result> {
  const started = performance.now();
  const predicted = new Array<number>(rows.length).fill(0);
  for (const test of kFoldIndices(rows.length, folds, 42)) {
    const held = new Set(test);
    const train = rows.map((_, i) => i).filter((i) => !held.has(i));
    const out = await method(train.map((i) => x[i]!), train.map((i) => y[i]!), test.map((i) => x[i]!));
    test.forEach((i, k) => (predicted[i] = out[k]!));
  }
  return { method: name, split: `${folds}-fold CV`, mae: meanAbsoluteError(y, predicted), r2: rSquared(y, predicted), seconds: (performance.now() - started) / 1000 };
}

async function chronological(name: string, method: Method): Promise<Result> {
  const started = performance.now();
  const train = rows.map((_, i) => i).filter((i) => rows[i]!.date < CHRONO_CUT);
  const test = rows.map((_, i) => i).filter((i) => rows[i]!.date >= CHRONO_CUT);
  const out = await method(train.map((i) => x[i]!), train.map((i) => y[i]!), test.map((i) => x[i]!));
  const actual = test.map((i) => y[i]!);
  return { method: name, split: `chronological ${train.length}/${test.length}`, mae: meanAbsoluteError(actual, out), r2: rSquared(actual, out), seconds: (performance.now() - started) / 1000 };
}

const fmt = (r: Result) =>
  `| ${r.method.padEnd(34)} | ${r.split.padEnd(22)} | ${r.mae.toFixed(4)} | ${(r.r2 === null ? "n/a" : r.r2.toFixed(3)).padStart(6)} | ${r.seconds.toFixed(1).padStart(6)} |`;

async function main(): Promise<void> {
  console.log(`garments: ${rows.length} rows, ${x[0]!.length} features\n`);
  console.log("| method                             | split                  | MAE    |     R² | time s |");
  console.log("| ---------------------------------- | ---------------------- | ------ | ------ | ------ |");
  const methods: Array<[string, Method]> = [
    ["predict the mean", predictMean],
    ["linear (ridge λ=1)", linear],
    ["gradient boosting, absolute loss", boosting({ loss: "absolute" })],
    ["gradient boosting, squared loss", boosting({ loss: "squared" })],
  ];
  for (const [name, method] of methods) {
    console.log(fmt(await crossValidate(name, method)));
    console.log(fmt(await chronological(name, method)));
  }
  const timings: Array<[TfBackend, number]> = [];
  for (const preferred of ["wasm", "cpu"] as const) {
    const backend = await useBackend(preferred, { wasmPaths: nodeWasmDirectory() });
    const name = `tfjs MLP ${MLP_EPOCHS} epochs (${backend})`;
    if (backend === "wasm" && process.env.EPCA_GARMENTS_FOLDS_MLP !== "0") console.log(fmt(await crossValidate(name, mlp)));
    const result = await chronological(name, mlp);
    console.log(fmt(result));
    timings.push([backend, result.seconds]);
  }
  console.log(`\ntfjs MLP training + prediction on the chronological split (943 rows, ${MLP_EPOCHS} epochs):`);
  for (const [backend, seconds] of timings) console.log(`  ${backend.padEnd(5)} ${seconds.toFixed(2)} s`);
  const [wasm, cpu] = timings;
  if (wasm && cpu) console.log(`  cpu / wasm = ${(cpu[1] / wasm[1]).toFixed(2)}×`);
}

await main();
