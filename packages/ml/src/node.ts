/**
 * @epca/ml/node — Node-only helpers: where the WebAssembly files of TensorFlow.js are installed.
 *
 * @packageDocumentation
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";

/**
 * The directory (with a trailing `/`) holding `tfjs-backend-wasm*.wasm` in the installed
 * `@tensorflow/tfjs-backend-wasm`, resolved at run time; pass it to `useBackend("wasm", { wasmPaths })`.
 */
export function nodeWasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"))}/`;
}
