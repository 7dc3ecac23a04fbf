import { createRequire } from "node:module";
import path from "node:path";
import express, { type Router } from "express";
import helmet from "helmet";
import swaggerUi from "swagger-ui-express";

const require = createRequire(import.meta.url);

/** Relaxed CSP for the documentation pages only: ReDoc runs its search in a blob: worker. */
const docsHelmet = helmet({
  contentSecurityPolicy: {
    directives: {
      "default-src": ["'self'"],
      "script-src": ["'self'"],
      "style-src": ["'self'", "'unsafe-inline'", "https:"],
      "img-src": ["'self'", "data:", "https:"],
      "font-src": ["'self'", "data:", "https:"],
      "worker-src": ["'self'", "blob:"],
      "connect-src": ["'self'"],
    },
  },
});

const redocPage = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>EPCA API – ReDoc</title>
  </head>
  <body>
    <redoc spec-url="{{BASE}}/openapi.json"></redoc>
    <script src="{{BASE}}/redoc/redoc.standalone.js"></script>
  </body>
</html>`;

/**
 * `/openapi.json`, Swagger UI at `/docs` and ReDoc at `/redoc`, all served from this machine (no
 * CDN). Links are relative so that the pages work wherever the router is mounted.
 */
export function mountDocs(router: Router, document: () => Record<string, unknown>): void {
  router.get("/openapi.json", (req, res) => {
    const base = req.baseUrl;
    res.json(base ? { ...document(), servers: [{ url: base }] } : document());
  });

  // Swagger UI's page loads its assets relatively: `/docs` must end in a slash.
  router.get("/docs", (req, res, next) => {
    if (!req.originalUrl.split("?")[0]!.endsWith("/")) {
      res.redirect(301, `${req.baseUrl}/docs/`);
      return;
    }
    next();
  });
  router.use(
    "/docs",
    docsHelmet,
    swaggerUi.serveFiles(undefined, { swaggerOptions: { url: "../openapi.json", persistAuthorization: true } }),
    swaggerUi.setup(undefined, {
      customSiteTitle: "EPCA API – Swagger UI",
      swaggerOptions: { url: "../openapi.json", persistAuthorization: true },
    }),
  );

  const redocBundle = path.dirname(require.resolve("redoc/bundles/redoc.standalone.js"));
  router.get("/redoc", docsHelmet, (req, res) => {
    res.type("html").send(redocPage.replaceAll("{{BASE}}", encodeURI(req.baseUrl)));
  });
  router.use("/redoc", docsHelmet, express.static(redocBundle, { index: false }));
}
