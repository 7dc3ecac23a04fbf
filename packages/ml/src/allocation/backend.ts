import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

/** The TensorFlow.js backends this package uses. */
export type TfBackend = "wasm" | "cpu";

/** Options of {@link useBackend}. */
export interface BackendOptions {
  /**
   * Where the `.wasm` files are: a URL prefix ending in `/` (browser) or, in Node, the directory
   * `nodeWasmDirectory()` from `@epca/ml/node` answers. Without it, tfjs looks next to the script.
   */
  readonly wasmPaths?: string;
}

/**
 * Switches TensorFlow.js to `preferred`, falling back to `cpu` when the WebAssembly backend cannot
 * start; answers the backend in use.
 */
export async function useBackend(preferred: TfBackend = "wasm", options: BackendOptions = {}): Promise<TfBackend> {
  if (preferred === "wasm") {
    try {
      // setWasmPaths only takes effect before the wasm backend first initialises.
      if (options.wasmPaths) setWasmPaths(options.wasmPaths);
      if (await tf.setBackend("wasm")) {
        await tf.ready();
        return "wasm";
      }
    } catch {
      // fall back to the CPU backend below
    }
  }
  await tf.setBackend("cpu");
  await tf.ready();
  return "cpu";
}

/** The backend TensorFlow.js runs on now (after {@link useBackend}); another name as tfjs reports it. */
export function activeBackend(): TfBackend | (string & {}) {
  return tf.getBackend();
}
