/**
 * The backend choice of the ML use cases in a fresh process (vitest runs each file in its own
 * worker): WebAssembly files that cannot be read make it fall back to the CPU backend, and say so.
 */
import { activeBackend } from "@epca/ml/allocation";
import { mlBackendInUse, preferMlBackend, useMlBackend } from "@epca/ml/use-cases";
import { describe, expect, it } from "vitest";

describe("useMlBackend", () => {
  it("falls back to the cpu backend when the wasm files are not where wasmPaths says, and reports it", async () => {
    const ready: string[] = [];
    expect(mlBackendInUse()).toBeNull();
    preferMlBackend({ wasmPaths: "/nonexistent/tfjs-wasm/", onReady: (backend) => ready.push(backend) });
    expect(await useMlBackend()).toBe("cpu");
    expect(ready).toEqual(["cpu"]);
    expect(mlBackendInUse()).toBe("cpu");
    expect(activeBackend()).toBe("cpu");
    // Started once: later choices change nothing.
    preferMlBackend({});
    expect(await useMlBackend({ wasmPaths: "/elsewhere/" })).toBe("cpu");
    expect(ready).toEqual(["cpu"]);
  });
});
