import { nodeWasmDirectory } from "@epca/ml/node";
import { preferMlBackend, useMlBackend, type TfBackend } from "@epca/ml/use-cases";
import type { Logger } from "pino";

let chosen = false;

/**
 * Makes the ML use cases of this process train and predict on TensorFlow.js's WebAssembly
 * backend, its `.wasm` files read from the installed `@tensorflow/tfjs-backend-wasm` (no network),
 * falling back to the CPU backend when it cannot start. Cheap: TensorFlow.js loads on first use,
 * when `logger` is told which backend runs. The first call decides; later ones change nothing.
 */
export function preferWasmMlBackend(logger?: Logger): void {
  if (chosen) return;
  chosen = true;
  let wasmPaths: string | undefined;
  try {
    wasmPaths = nodeWasmDirectory();
  } catch (err) {
    logger?.warn({ err }, "@tensorflow/tfjs-backend-wasm is not installed; ML runs on the cpu backend");
  }
  preferMlBackend({
    ...(wasmPaths ? { wasmPaths } : {}),
    onReady: (backend) =>
      backend === "wasm" ? logger?.info({ ml_backend: backend, wasm_paths: wasmPaths }, "ML backend: wasm") : logger?.warn({ ml_backend: backend, wasm_paths: wasmPaths ?? null }, "ML backend: cpu (the wasm backend did not start)"),
  });
}

/**
 * Starts the ML backend now (what `epca serve` and `epca worker` do at start, so that the log
 * says which one runs before the first training) and answers it: `wasm`, or `cpu` as the fallback.
 */
export function startMlBackend(logger?: Logger): Promise<TfBackend> {
  preferWasmMlBackend(logger);
  return useMlBackend();
}
