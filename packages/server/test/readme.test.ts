/**
 * The README's "Mount the API in your own Express app" block runs as a user would paste it (tsx in
 * the package folder, imports resolving to the built packages) and serves the API under /hr next to
 * the host app's own route.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectMountedApi } from "../../../test-support/mounted-api.js";
import { cleanEnv } from "../../../test-support/processes.js";
import { startReadmeExample } from "./support/readme-server.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

describe("README", () => {
  it("the mount example serves /hr/api/v1, /hr/docs/, /hr/openapi.json and /hr/metrics beside the host's routes", async () => {
    // PORT=0: the system picks a free port and the example prints the one it got.
    const example = await startReadmeExample(
      packageDir,
      "## Mount the API in your own Express app",
      cleanEnv({ PORT: "0", LOG_LEVEL: "warn" }),
      /EPCA mounted at http:\/\/localhost:\d+\/hr\/api\/v1\/health\n/,
    );
    try {
      const port = Number(/EPCA mounted at http:\/\/localhost:(\d+)\/hr\/api\/v1\/health\n/.exec(example.stdout())?.[1]);
      expect(port).toBeGreaterThan(0);
      const base = `http://127.0.0.1:${port}`;
      const own = await fetch(`${base}/`);
      expect(await own.json()).toEqual({ app: "my platform" });

      await expectMountedApi(base, "/hr");
      expect((await fetch(`${base}/hr/redoc`)).status).toBe(200);
      expect(await (await fetch(`${base}/hr/metrics`)).text()).toMatch(/^# HELP /m);

      // The API answers as documented: no token, 401 with the FastAPI body.
      const anonymous = await fetch(`${base}/hr/api/v1/departments/`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({ detail: "Not authenticated" });
    } finally {
      await example.stop();
    }
  });
});
