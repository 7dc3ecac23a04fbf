/**
 * An HR platform that already runs an Express app mounts the EPCA API under `/hr`, on a store of
 * its own choosing (here the in-memory one), next to its own routes.
 *
 *   pnpm --filter @epca/example-mount-router start
 *   curl http://localhost:3000/hr/api/v1/health
 *
 * PORT picks the port (0: any free one; the ready line prints it); `--once` exits after the
 * round trip.
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createMemoryStore } from "@epca/adapter-memory";
import { createApiRouter, createScryptPasswordHasher, ensureFirstAdmin, loadConfig } from "@epca/server";
import express from "express";

// The host's own app, with its own routes.
const app = express();
app.get("/", (_req, res) => {
  res.json({ platform: "Acme HR", modules: ["/hr/api/v1", "/hr/docs"] });
});

// EPCA's configuration comes from the same environment variables as the standalone server.
const { config, warnings } = loadConfig({ ...process.env, DATABASE_URL: "memory:", LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" });
for (const warning of warnings) console.warn(`epca: ${warning}`);
const store = createMemoryStore();
const passwordHasher = createScryptPasswordHasher({ logN: config.SCRYPT_LOG_N });
await ensureFirstAdmin({ store, passwordHasher, email: "hr-admin@example.com", password: "hr-admin-123" });

// One line: the whole API (and /hr/docs, /hr/openapi.json, /hr/metrics) under /hr.
app.use("/hr", createApiRouter({ store, config, passwordHasher }));

const server = app.listen(Number(process.env.PORT ?? 3000));
await once(server, "listening");
const base = `http://localhost:${(server.address() as AddressInfo).port}`;
console.log(`Acme HR on ${base}; EPCA mounted at ${base}/hr/api/v1 (docs: ${base}/hr/docs/)`);

// A quick round trip through the mounted API, so that running the example shows it working.
const login = await fetch(`${base}/hr/api/v1/auth/login`, {
  method: "POST",
  body: new URLSearchParams({ username: "hr-admin@example.com", password: "hr-admin-123" }),
});
const { access_token } = (await login.json()) as { access_token: string };
const created = await fetch(`${base}/hr/api/v1/departments/`, {
  method: "POST",
  headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
  body: JSON.stringify({ name: "People Operations", budget: 250000 }),
});
console.log(`POST /hr/api/v1/departments/ → ${created.status}, Location: ${created.headers.get("location")}`);

if (process.argv.includes("--once")) {
  server.close();
  await store.close();
}
